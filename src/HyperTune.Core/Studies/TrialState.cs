namespace HyperTune.Core.Studies;

/// <summary>The life cycle of a trial, as in Optuna.</summary>
public enum TrialState
{
    /// <summary>Suggested (or resumed) but not yet running on a worker.</summary>
    Waiting,

    /// <summary>Dispatched to a worker and being evaluated.</summary>
    Running,

    /// <summary>Finished with a value for the metric.</summary>
    Complete,

    /// <summary>Stopped early by a pruner or scheduler; its last intermediate value stands.</summary>
    Pruned,

    /// <summary>Failed (crash, timeout, NaN or missing metric) and not retried any further.</summary>
    Failed,

    /// <summary>
    /// Stopped unfinished by an operator (the study was stopped): not a failure of the trial, never retried, and
    /// without a value for the optimizer (like a failed trial). Ray Tune calls this terminated.
    /// </summary>
    Cancelled,

    /// <summary>
    /// Stopped by a scheduler at a step, with its checkpoint kept: it holds no worker slot and may be resumed from
    /// that step later (successive halving promotes paused trials; population-based training clones them). Not
    /// finished. Appended last: the enum's numbers are stored in journals and snapshots.
    /// </summary>
    Paused,
}

/// <summary>Helpers on <see cref="TrialState"/>.</summary>
public static class TrialStateExtensions
{
    /// <summary>True for states a trial never leaves.</summary>
    public static bool IsFinished(this TrialState state) =>
        state is TrialState.Complete or TrialState.Pruned or TrialState.Failed or TrialState.Cancelled;
}
