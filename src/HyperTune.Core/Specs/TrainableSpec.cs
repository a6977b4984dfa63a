using System.Text.Json;

namespace HyperTune.Core.Specs;

/// <summary>
/// What evaluates a trial: a <see cref="Type"/> (<c>function</c>, <c>process</c>...) and its type-specific fields,
/// which the trainable's own factory validates.
/// </summary>
public sealed record TrainableSpec(string Type, JsonElement Settings)
{
    /// <summary>Fresh reader over the fields, with <c>type</c> already accounted for.</summary>
    public JsonSettings Reader()
    {
        var reader = new JsonSettings(Settings, "trainable");
        reader.GetElement("type");
        return reader;
    }
}
