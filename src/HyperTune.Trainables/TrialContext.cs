using HyperTune.Core.Spaces;

namespace HyperTune.Trainables;

/// <summary>What a trainable is given for one trial.</summary>
public sealed class TrialContext
{
    /// <summary>The study's id.</summary>
    public required string StudyId { get; init; }

    /// <summary>The trial's number in the study.</summary>
    public required int TrialNumber { get; init; }

    /// <summary>The configuration to evaluate.</summary>
    public required Configuration Params { get; init; }

    /// <summary>The study's metric name (what the final report must contain).</summary>
    public required string Metric { get; init; }

    /// <summary>
    /// A directory for this trial's checkpoints. When it already holds files, the trial is being resumed (after a
    /// node failure, or from another trial's checkpoint in population-based training) and should continue from them.
    /// </summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>Called with every intermediate report; safe to call from any thread.</summary>
    public Action<TrialReport> Report { get; init; } = _ => { };
}
