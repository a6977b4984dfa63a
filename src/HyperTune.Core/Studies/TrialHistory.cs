namespace HyperTune.Core.Studies;

/// <summary>
/// What an optimizer is told: every trial of the study so far, ordered by number, and the direction of the metric.
/// Optimizers see pending (Running/Waiting) trials too, so they can avoid proposing the same point to parallel workers.
/// </summary>
public sealed class TrialHistory
{
    /// <summary>Creates a history; trials must be ordered by number.</summary>
    public TrialHistory(IReadOnlyList<TrialRecord> trials, StudyDirection direction)
        : this(trials, new[] { new ObjectiveMetric("", direction) }, Array.Empty<MetricConstraint>())
    {
    }

    /// <summary>
    /// Creates a history of a study with these objectives (the first is the one <see cref="TrialRecord.Value"/>
    /// holds) and constraints; trials must be ordered by number.
    /// </summary>
    public TrialHistory(IReadOnlyList<TrialRecord> trials, IReadOnlyList<ObjectiveMetric> objectives,
        IReadOnlyList<MetricConstraint> constraints)
    {
        if (objectives.Count == 0) throw new ArgumentException("a study has at least one objective", nameof(objectives));
        Trials = trials;
        Objectives = objectives;
        Constraints = constraints;
        Direction = objectives[0].Direction;
    }

    /// <summary>An empty history.</summary>
    public static TrialHistory Empty(StudyDirection direction) => new(Array.Empty<TrialRecord>(), direction);

    /// <summary>All trials, ordered by number.</summary>
    public IReadOnlyList<TrialRecord> Trials { get; }

    /// <summary>The (first) metric's direction.</summary>
    public StudyDirection Direction { get; }

    /// <summary>
    /// The study's objectives: one for a single-objective study (its name may be empty: <see cref="TrialRecord.Value"/>
    /// holds it), several for a multi-objective one.
    /// </summary>
    public IReadOnlyList<ObjectiveMetric> Objectives { get; }

    /// <summary>True when the study trades several objectives (its best is a Pareto front).</summary>
    public bool IsMultiObjective => Objectives.Count > 1;

    /// <summary>Bounds on reported metrics that make a trial infeasible when broken.</summary>
    public IReadOnlyList<MetricConstraint> Constraints { get; }

    /// <summary>
    /// The trial's objective values as losses (each to minimize), in objective order; null when the trial lacks a
    /// finite value of one of them (not complete, or a report without the metric).
    /// </summary>
    public double[]? Losses(TrialRecord trial)
    {
        if (trial.State != TrialState.Complete) return null;
        var losses = new double[Objectives.Count];
        for (var k = 0; k < losses.Length; k++)
        {
            var objective = Objectives[k];
            double? value = trial.Metrics.TryGetValue(objective.Name, out var m) ? m : k == 0 ? trial.Value : null;
            if (value is not { } v || !double.IsFinite(v)) return null;
            losses[k] = objective.Loss(v);
        }
        return losses;
    }

    /// <summary>
    /// How far the trial breaks the constraints (the sum over constraints; 0 when feasible or when the study has
    /// none); positive infinity when it did not report a constrained metric.
    /// </summary>
    public double Violation(TrialRecord trial)
    {
        var total = 0.0;
        foreach (var c in Constraints) total += c.ViolationIn(trial.Metrics);
        return total;
    }

    /// <summary>True when the trial respects every constraint.</summary>
    public bool IsFeasible(TrialRecord trial) => Violation(trial) == 0;

    /// <summary>Trials with a final value.</summary>
    public IEnumerable<TrialRecord> Completed => Trials.Where(t => t.State == TrialState.Complete && t.Value is not null);

    /// <summary>Trials still being evaluated or queued.</summary>
    public IEnumerable<TrialRecord> Pending => Trials.Where(t => t.State is TrialState.Running or TrialState.Waiting);

    /// <summary>Trials stopped at a step with a checkpoint, which a scheduler may resume.</summary>
    public IEnumerable<TrialRecord> Paused => Trials.Where(t => t.State == TrialState.Paused);

    /// <summary>
    /// The value to minimize: the metric itself when minimizing, its negation when maximizing. Optimizers work on
    /// this so they need no direction logic of their own.
    /// </summary>
    public double Loss(double value) => Direction == StudyDirection.Minimize ? value : -value;

    /// <summary>The loss of a trial with a value.</summary>
    public double Loss(TrialRecord trial) => Loss(trial.Value ?? throw new ArgumentException($"trial {trial.Number} has no value"));

    /// <summary>
    /// The best completed trial by the first objective, ties going to the earlier one; feasible trials first, and
    /// when none is feasible the one that breaks the constraints least; null when none completed.
    /// </summary>
    public TrialRecord? Best
    {
        get
        {
            TrialRecord? best = null;
            var bestViolation = 0.0;
            foreach (var t in Completed)
            {
                var violation = Violation(t);
                if (best is null || violation < bestViolation || (violation == bestViolation && Loss(t) < Loss(best)))
                {
                    best = t;
                    bestViolation = violation;
                }
            }
            return best;
        }
    }

    /// <summary>
    /// The study's best for several objectives: the completed trials no other dominates, under constrained
    /// domination (<see cref="Pareto.ParetoRanking"/>), in trial order. A single-objective study's front is its
    /// <see cref="Best"/> trial.
    /// </summary>
    public IReadOnlyList<TrialRecord> ParetoFront
    {
        get
        {
            if (!IsMultiObjective) return Best is { } best ? new[] { best } : Array.Empty<TrialRecord>();
            var scored = Trials.Select(t => (Trial: t, Losses: Losses(t))).Where(s => s.Losses is not null).ToList();
            var violations = scored.Select(s => Violation(s.Trial)).ToArray();
            var front = Pareto.ParetoRanking.FirstFront(scored.Select(s => s.Losses!).ToList(), violations);
            return front.Select(i => scored[i].Trial).ToArray();
        }
    }
}
