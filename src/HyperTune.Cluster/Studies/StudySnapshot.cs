using System.Collections.Immutable;
using HyperTune.Core.Studies;

namespace HyperTune.Cluster.Studies;

/// <summary>The persisted form of <see cref="StudyState"/> (the spec as text; the parsed spec is rebuilt on load).</summary>
public sealed record StudySnapshot(
    string StudyId,
    string SpecJson,
    DateTimeOffset CreatedAt,
    int MaxTrials,
    int Parallelism,
    StudyStatus Status,
    string? FinishReason,
    DateTimeOffset? FinishedAt,
    ImmutableList<TrialRecord> Trials,
    ImmutableDictionary<int, string> RunningOn,
    ImmutableDictionary<int, int> LastDispatch,
    ImmutableDictionary<int, int> Requeues)
{
    /// <summary>Enqueued configurations not started yet (snapshots of earlier versions have none).</summary>
    public ImmutableList<Core.Spaces.Configuration> Enqueued { get; init; } =
        ImmutableList<Core.Spaces.Configuration>.Empty;

    /// <summary>Why an operator held the study, while held (snapshots of earlier versions have none).</summary>
    public string? PauseReason { get; init; }

    /// <summary>The parts of unfinished trials that run in parts (snapshots of earlier versions have none).</summary>
    public ImmutableDictionary<int, ImmutableList<TrialPart>> Parts { get; init; } =
        ImmutableDictionary<int, ImmutableList<TrialPart>>.Empty;

    /// <summary>The study's refit, once asked for (snapshots of earlier versions have none).</summary>
    public StudyRefit? Refit { get; init; }
}
