namespace HyperTune.Core.Studies;

/// <summary>
/// What an optimizer is told: every trial of the study so far, ordered by number, and the direction of the metric.
/// Optimizers see pending (Running/Waiting) trials too, so they can avoid proposing the same point to parallel workers.
/// </summary>
public sealed class TrialHistory
{
    /// <summary>Creates a history; trials must be ordered by number.</summary>
    public TrialHistory(IReadOnlyList<TrialRecord> trials, StudyDirection direction)
    {
        Trials = trials;
        Direction = direction;
    }

    /// <summary>An empty history.</summary>
    public static TrialHistory Empty(StudyDirection direction) => new(Array.Empty<TrialRecord>(), direction);

    /// <summary>All trials, ordered by number.</summary>
    public IReadOnlyList<TrialRecord> Trials { get; }

    /// <summary>The metric's direction.</summary>
    public StudyDirection Direction { get; }

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

    /// <summary>The best completed trial, ties going to the earlier one; null when none completed.</summary>
    public TrialRecord? Best
    {
        get
        {
            TrialRecord? best = null;
            foreach (var t in Completed)
                if (best is null || Loss(t) < Loss(best)) best = t;
            return best;
        }
    }
}
