using System.Collections.Immutable;

namespace HyperTune.Cluster.Studies;

/// <summary>
/// One part of a trial that runs as several (<see cref="StudyEvents.TrialPartsSet"/>): waiting for a slot, running
/// on a node as a dispatch, or done with its metrics.
/// </summary>
/// <param name="Dispatch">The part's latest dispatch number (0: never dispatched).</param>
/// <param name="NodeKey">The node it runs on, while it runs.</param>
/// <param name="Metrics">Its metrics, once done.</param>
public sealed record TrialPart(int Dispatch, string? NodeKey, ImmutableDictionary<string, double>? Metrics)
{
    /// <summary>A part never dispatched.</summary>
    public static TrialPart Waiting { get; } = new(0, null, null);

    /// <summary>True once the part has its metrics.</summary>
    public bool IsDone => Metrics is not null;

    /// <summary>True while a worker runs it.</summary>
    public bool IsRunning => NodeKey is not null && Metrics is null;
}
