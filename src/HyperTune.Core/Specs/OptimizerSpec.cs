using System.Text.Json;

namespace HyperTune.Core.Specs;

/// <summary>
/// Which optimizer proposes configurations, its seed, and its own settings (the other fields of the spec's
/// <c>optimizer</c> object, validated by the optimizer when it is created).
/// </summary>
public sealed record OptimizerSpec(string Type, long Seed, JsonElement Settings)
{
    /// <summary>The optimizer used when a spec names none (GP, then TPE; see <c>Optimizers/Auto</c>).</summary>
    public const string DefaultType = "auto";

    /// <summary>An optimizer spec with default settings.</summary>
    public static OptimizerSpec Of(string type, long seed = 0) =>
        new(type, seed, JsonDocument.Parse($"{{\"type\":{JsonSerializer.Serialize(type)}}}").RootElement.Clone());

    /// <summary>
    /// Fresh reader over the settings, with <c>type</c>, <c>seed</c> and <c>initial</c> (read by the factory)
    /// already accounted for.
    /// </summary>
    public JsonSettings Reader()
    {
        var reader = new JsonSettings(Settings, "optimizer");
        reader.GetElement("type");
        reader.GetElement("seed");
        reader.GetElement("initial");
        return reader;
    }
}
