using System.Collections.Immutable;
using HyperTune.Core.Spaces;

namespace HyperTune.Cluster.Studies;

/// <summary>
/// What a study coordinator persists. The journal of these events is the study: replaying them through
/// <see cref="StudyState.Apply"/> rebuilds the exact state, history and (through it) the optimizer.
/// </summary>
public static class StudyEvents
{
    /// <summary>Marker for study events.</summary>
    public interface IStudyEvent
    {
    }

    /// <summary>The study was created from a spec (kept as its source JSON text).</summary>
    public sealed record StudyCreated(string StudyId, string SpecJson, DateTimeOffset At) : IStudyEvent;

    /// <summary>The budget was overridden (on submit or resume).</summary>
    public sealed record StudyBudgetChanged(int MaxTrials, int Parallelism, DateTimeOffset At) : IStudyEvent;

    /// <summary>
    /// An operator enqueued a configuration (a warm start from known-good values, as Optuna's <c>enqueue_trial</c>):
    /// it runs as the next new trial, before the optimizer's own suggestions, exactly once.
    /// </summary>
    public sealed record TrialEnqueued(Configuration Params, DateTimeOffset At) : IStudyEvent;

    /// <summary>
    /// An operator held the study: no trial starts, resumes or is dispatched until <see cref="StudyResumed"/>; those
    /// running finish. Its stored state is untouched.
    /// </summary>
    public sealed record StudyPaused(string Reason, DateTimeOffset At) : IStudyEvent;

    /// <summary>The held study goes on.</summary>
    public sealed record StudyResumed(DateTimeOffset At) : IStudyEvent;

    /// <summary>The optimizer proposed trial <see cref="Number"/>; it waits for a worker.</summary>
    public sealed record TrialStarted(int Number, Configuration Params, ImmutableDictionary<string, string> Attributes, DateTimeOffset At) : IStudyEvent;

    /// <summary>
    /// The trial was sent to a worker: attempt <see cref="Dispatch"/> (1, 2, ... over retries and re-dispatches)
    /// on the worker node <see cref="NodeKey"/>. The worker's entity id derives from these, so a recovered
    /// coordinator reaches the same worker again.
    /// </summary>
    public sealed record TrialDispatched(int Number, int Dispatch, string NodeKey, DateTimeOffset At) : IStudyEvent;

    /// <summary>
    /// Dispatch <see cref="Dispatch"/> of the trial took a slot on its worker and began running: until then it was
    /// queued there. Journals of earlier versions lack it: their dispatched trials show as queued until the
    /// recovered coordinator re-attaches to them and their workers report again.
    /// </summary>
    public sealed record TrialExecutionStarted(int Number, int Dispatch, DateTimeOffset At) : IStudyEvent;

    /// <summary>The running trial reported the study metric at a step.</summary>
    public sealed record TrialReported(int Number, long Step, double Value) : IStudyEvent;

    /// <summary>The trial finished with a value for the study metric (and these other metrics).</summary>
    public sealed record TrialCompleted(int Number, double Value, ImmutableDictionary<string, double> Metrics, DateTimeOffset At) : IStudyEvent;

    /// <summary>
    /// An attempt failed. When <see cref="Final"/> the trial is Failed; otherwise it waits to be retried.
    /// </summary>
    public sealed record TrialFailed(int Number, string Reason, bool Final, DateTimeOffset At) : IStudyEvent;

    /// <summary>
    /// The trial's worker went away (its node died or left) before a result: the trial waits to be dispatched
    /// again, from its last checkpoint when it has one. Not a failure of the trial.
    /// </summary>
    public sealed record TrialRequeued(int Number, string Reason, DateTimeOffset At) : IStudyEvent;

    /// <summary>A pruner stopped the trial at a step; its last value stands.</summary>
    public sealed record TrialPruned(int Number, long Step, double Value, DateTimeOffset At) : IStudyEvent;

    /// <summary>
    /// The new trial <see cref="Number"/> (just started) pauses by itself at <see cref="StopAtStep"/>, a scheduler's
    /// rung milestone. A separate event so journals written before trials could pause still replay unchanged.
    /// </summary>
    public sealed record TrialStopAtStepSet(int Number, long StopAtStep) : IStudyEvent;

    /// <summary>
    /// The trial stopped at <see cref="Step"/> with its checkpoint kept (a rung milestone, or a scheduler's pause); it
    /// holds no worker slot and may be resumed later.
    /// </summary>
    public sealed record TrialPaused(int Number, long Step, DateTimeOffset At) : IStudyEvent;

    /// <summary>
    /// The paused trial waits to be dispatched again, resuming from its checkpoint at its paused step and running up
    /// to <see cref="StopAtStep"/> (null: to its end).
    /// </summary>
    public sealed record TrialResumed(int Number, long? StopAtStep, DateTimeOffset At) : IStudyEvent;

    /// <summary>
    /// Population-based training: the paused trial continues from trial <see cref="Donor"/>'s checkpoint at
    /// <see cref="Step"/> (its own when <see cref="Donor"/> is itself) with <see cref="Params"/> from the next step on.
    /// Persisted before the <see cref="TrialResumed"/> that follows it.
    /// </summary>
    public sealed record TrialExploited(int Number, int Donor, long Step, Configuration Params, DateTimeOffset At)
        : IStudyEvent;

    /// <summary>
    /// The unfinished trial was cancelled because the study was stopped (earlier versions recorded a final
    /// <see cref="TrialFailed"/> instead).
    /// </summary>
    public sealed record TrialCancelled(int Number, string Reason, DateTimeOffset At) : IStudyEvent;

    /// <summary>
    /// The new trial <see cref="Number"/> (just started) runs as <see cref="Parts"/> separate units of work, its
    /// trainable's cross-validation folds (<see cref="Trainables.ITrainable.Parts"/>): each part is dispatched on its
    /// own, to any node's free slot, and the trial completes when every part has. Journals of earlier versions have
    /// none: their trials ran as one unit.
    /// </summary>
    public sealed record TrialPartsSet(int Number, int Parts) : IStudyEvent;

    /// <summary>
    /// Part <see cref="Part"/> (0-based) of the trial was sent to a worker on <see cref="NodeKey"/>, as dispatch
    /// <see cref="Dispatch"/> (a trial's dispatch numbers count over all its parts, so every part's worker has an
    /// entity id of its own).
    /// </summary>
    public sealed record TrialPartDispatched(int Number, int Part, int Dispatch, string NodeKey, DateTimeOffset At)
        : IStudyEvent;

    /// <summary>Part <see cref="Part"/> of the trial finished with these metrics (one fold's scores).</summary>
    public sealed record TrialPartCompleted(int Number, int Part, ImmutableDictionary<string, double> Metrics,
        DateTimeOffset At) : IStudyEvent;

    /// <summary>
    /// The worker of part <see cref="Part"/> went away (its node died or left) before a result: that part, and only
    /// that part, waits to be dispatched again.
    /// </summary>
    public sealed record TrialPartRequeued(int Number, int Part, string Reason, DateTimeOffset At) : IStudyEvent;

    /// <summary>
    /// The study's trial <see cref="Trial"/> (its best) is to be refitted on all training rows and scored on the test
    /// set (<see cref="StudyRefit"/>): the study finished, or an operator asked. Replaces any earlier refit.
    /// </summary>
    public sealed record RefitRequested(int Trial, string Reason, DateTimeOffset At) : IStudyEvent;

    /// <summary>The refit was sent to a worker on <see cref="NodeKey"/> as its dispatch <see cref="Dispatch"/>.</summary>
    public sealed record RefitDispatched(int Dispatch, string NodeKey, DateTimeOffset At) : IStudyEvent;

    /// <summary>The refit's dispatch <see cref="Dispatch"/> trained, scored and saved the final model.</summary>
    public sealed record RefitCompleted(int Dispatch, ImmutableDictionary<string, double> TestMetrics, int TrainRows,
        int TestRows, string? ModelPath, DateTimeOffset At) : IStudyEvent;

    /// <summary>
    /// The refit's dispatch <see cref="Dispatch"/> failed or lost its worker; <see cref="Final"/>: it is not tried
    /// again.
    /// </summary>
    public sealed record RefitFailed(int Dispatch, string Reason, bool Final, DateTimeOffset At) : IStudyEvent;

    /// <summary>The study ended.</summary>
    public sealed record StudyFinished(string Reason, DateTimeOffset At) : IStudyEvent;
}
