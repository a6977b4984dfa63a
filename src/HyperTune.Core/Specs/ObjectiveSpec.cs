using System.Collections.Immutable;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Specs;

/// <summary>
/// What the study optimizes: the metric trials report and whether to minimize or maximize it; for a
/// multi-objective study, further metrics (<see cref="Secondary"/>); and bounds on reported metrics
/// (<see cref="Constraints"/>).
/// </summary>
/// <param name="Metric">The first objective's metric (the trial's value).</param>
/// <param name="Direction">The first objective's direction.</param>
public sealed record ObjectiveSpec(string Metric, StudyDirection Direction)
{
    /// <summary>The objectives after the first, for a multi-objective study (empty otherwise).</summary>
    public ImmutableArray<ObjectiveMetric> Secondary { get; init; } = ImmutableArray<ObjectiveMetric>.Empty;

    /// <summary>Bounds that make a trial infeasible when its reported metric breaks them.</summary>
    public ImmutableArray<MetricConstraint> Constraints { get; init; } = ImmutableArray<MetricConstraint>.Empty;

    /// <summary>Every objective, the first one first.</summary>
    public IReadOnlyList<ObjectiveMetric> Metrics => Secondary.Insert(0, new ObjectiveMetric(Metric, Direction));

    /// <summary>True when the study trades several objectives.</summary>
    public bool IsMultiObjective => !Secondary.IsEmpty;

    /// <summary>A history of these trials under this objective.</summary>
    public TrialHistory History(IReadOnlyList<TrialRecord> trials) =>
        new(trials, Metrics, Constraints);
}
