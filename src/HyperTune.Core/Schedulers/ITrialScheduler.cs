using HyperTune.Core.Studies;

namespace HyperTune.Core.Schedulers;

/// <summary>
/// Decides when trials stop, pause or resume (Optuna calls it a pruner, Ray Tune a trial scheduler); what to try
/// next stays the optimizer's job. A pure function of its settings and the study history: the coordinator persists
/// each decision as an event before acting on it, so replay after a crash gives the same brackets and rungs.
/// </summary>
/// <remarks>
/// Everything a scheduler needs to remember lives in the history: trial states (Paused, Pruned...), intermediate
/// values, <see cref="TrialRecord.StopAtStep"/>, and the attributes it attached when a trial started
/// (<see cref="SlotDecision.Attributes"/>, for example its Hyperband bracket). Steps are the trainable's reported
/// steps (epochs, iterations): the resource successive halving and Hyperband allocate.
/// </remarks>
public interface ITrialScheduler
{
    /// <summary>
    /// True when the scheduler pauses trials and resumes them later from their checkpoints; a study whose trainable
    /// cannot resume is refused such a scheduler at submit time.
    /// </summary>
    bool PausesTrials { get; }

    /// <summary>
    /// True when a resumed trial may continue from another trial's checkpoint (<see cref="SlotDecision.Exploit"/>):
    /// workers then keep each trial's checkpoint at every step it pauses, for others to copy.
    /// </summary>
    bool CopiesCheckpoints => false;

    /// <summary>
    /// With <see cref="CopiesCheckpoints"/>: the first step whose kept checkpoints a trial may still copy. Copies kept
    /// at earlier steps are no longer needed and workers delete them. 0 keeps everything.
    /// </summary>
    long KeptCheckpointsNeededFrom(SchedulerContext context) => 0;

    /// <summary>
    /// With <see cref="CopiesCheckpoints"/>: the checkpoint store this study's workers keep copies in
    /// (<c>directory</c> or <c>database</c>), or null for each node's own <c>hypertune.worker.checkpoint-store</c>.
    /// </summary>
    string? CheckpointStore => null;

    /// <summary>
    /// Decides on a running trial's intermediate report, which is already the last entry of the trial's
    /// <see cref="TrialRecord.Intermediate"/> in <paramref name="history"/>: continue, prune, or pause.
    /// </summary>
    ReportDecision OnReport(TrialHistory history, int trialNumber);

    /// <summary>
    /// Decides what a free worker slot does: resume a paused trial (up to a step), start a new trial (the optimizer
    /// chooses its configuration), wait for running trials (a synchronous rung barrier), or nothing more (every
    /// bracket is done). May also stop paused trials for good (<see cref="SlotDecision.Prune"/>). Must not answer
    /// <see cref="SlotAction.Wait"/> when no trial is running: nothing would ever wake it.
    /// </summary>
    SlotDecision OnSlotFree(SchedulerContext context);

    /// <summary>
    /// The scheduler's rungs as seen in the history (trials and best value per rung and bracket), for displays;
    /// empty for schedulers without rungs.
    /// </summary>
    IReadOnlyList<RungSummary> Rungs(TrialHistory history);
}
