using System.Text.Json;

namespace HyperTune.Core.Specs;

/// <summary>
/// Which scheduler stops, pauses and resumes trials (the spec's <c>scheduler</c> object): its type and its own
/// settings, validated by the scheduler when it is created.
/// </summary>
public sealed record SchedulerSpec(string Type, JsonElement Settings)
{
    /// <summary>The scheduler used when a spec names none: every trial runs to its end.</summary>
    public const string DefaultType = "none";

    /// <summary>No scheduler.</summary>
    public static SchedulerSpec None { get; } = Of(DefaultType);

    /// <summary>A scheduler spec with default settings.</summary>
    public static SchedulerSpec Of(string type) =>
        new(type, JsonDocument.Parse($"{{\"type\":{JsonSerializer.Serialize(type)}}}").RootElement.Clone());

    /// <summary>Fresh reader over the settings, with <c>type</c> already accounted for.</summary>
    public JsonSettings Reader()
    {
        var reader = new JsonSettings(Settings, "scheduler");
        reader.GetElement("type");
        return reader;
    }
}
