using System.Text.Json;

namespace HyperTune.Core.Specs;

/// <summary>
/// What evaluates a trial: a <see cref="Type"/> (<c>function</c>, <c>process</c>...) and its type-specific fields,
/// which the trainable's own factory validates.
/// </summary>
public sealed record TrainableSpec(string Type, JsonElement Settings)
{
    /// <summary>A trainable spec from the JSON text of a spec's <c>trainable</c> object.</summary>
    /// <exception cref="SpecException">The text is not a JSON object with a non-empty <c>type</c>.</exception>
    public static TrainableSpec FromJson(string json)
    {
        var reader = JsonSettings.Parse(json, "trainable");
        return new TrainableSpec(reader.RequireString("type"), reader.Element);
    }

    /// <summary>Fresh reader over the fields, with <c>type</c> already accounted for.</summary>
    public JsonSettings Reader()
    {
        var reader = new JsonSettings(Settings, "trainable");
        reader.GetElement("type");
        return reader;
    }
}
