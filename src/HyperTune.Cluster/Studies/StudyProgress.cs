using HyperTune.Core.Studies;

namespace HyperTune.Cluster.Studies;

/// <summary>A study's status and counts, pushed to watchers and returned to queries.</summary>
public sealed record StudyProgress(
    string StudyId,
    string Name,
    StudyStatus Status,
    string? FinishReason,
    StudyDirection Direction,
    string Metric,
    int MaxTrials,
    int Parallelism,
    int Complete,
    int Failed,
    int Pruned,
    int Running,
    int Waiting,
    TrialSummary? Best,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt)
{
    /// <summary>
    /// Trials dispatched to a worker node and waiting there for a free slot (not counted in <c>Running</c>, which
    /// counts trials that have begun).
    /// </summary>
    public int Queued { get; init; }

    /// <summary>Trials cancelled unfinished when the study was stopped (not failures).</summary>
    public int Cancelled { get; init; }

    /// <summary>Trials a scheduler paused at a step with their checkpoint kept (they may be resumed).</summary>
    public int Paused { get; init; }

    /// <summary>
    /// Training steps reached, summed over trials (each trial's last recorded step): the resource the study spent,
    /// which early stopping saves.
    /// </summary>
    public long Steps { get; init; }

    /// <summary>
    /// A multi-objective study's objectives, the first one being <see cref="Metric"/> and <see cref="Direction"/>;
    /// null for a study with one.
    /// </summary>
    public IReadOnlyList<Core.Studies.ObjectiveMetric>? Objectives { get; init; }

    /// <summary>
    /// A multi-objective study's best: its feasible non-dominated trials (constrained domination), in trial order,
    /// each with its objective values; null for a study with one objective (<see cref="Best"/> is its best).
    /// </summary>
    public IReadOnlyList<TrialSummary>? Front { get; init; }

    /// <summary>The study's constraints on reported metrics; null when it has none.</summary>
    public IReadOnlyList<Core.Studies.MetricConstraint>? Constraints { get; init; }

    /// <summary>Why an operator held the study, while it is held (nothing new starts); null otherwise.</summary>
    public string? PauseReason { get; init; }

    /// <summary>The study's final model (its best trial refitted on all training rows), once asked for.</summary>
    public StudyRefit? Refit { get; init; }

    /// <summary>Trials in a finished state.</summary>
    public int Done => Complete + Failed + Pruned + Cancelled;
}
