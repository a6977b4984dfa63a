namespace HyperTune.Core.Studies;

/// <summary>
/// A study's budget in steps (the trainable's resource units: epochs, boosting rounds), as multi-fidelity methods
/// count it. A run starts only when the budget can carry it to its end beside everything already committed, so no
/// step is spent on a trial the budget would cut off before its last step: with parallel workers, the last wave of
/// trials would otherwise run partway and be stopped, and the trials with the most promise, the ones promoted
/// furthest, would be the ones cut.
/// </summary>
/// <param name="MaxSteps">Steps the study may spend in all.</param>
/// <param name="FullRun">The steps of a whole run (the trainable's last step).</param>
public sealed record StepBudget(long MaxSteps, long FullRun)
{
    /// <summary>Steps spent: each trial's furthest reported step, and a whole run for a completed trial.</summary>
    public long Spent(TrialHistory history)
    {
        long spent = 0;
        foreach (var t in history.Trials) spent += Reached(t);
        return spent;
    }

    /// <summary>
    /// Steps spent plus what the trials holding a slot (running or waiting) may still take: up to the step they are
    /// to stop at (a rung's pause), else to the end of a run.
    /// </summary>
    public long Committed(TrialHistory history)
    {
        long committed = 0;
        foreach (var t in history.Trials)
        {
            committed += t.State is TrialState.Running or TrialState.Waiting
                ? Math.Max(Reached(t), Target(t.StopAtStep))
                : Reached(t);
        }
        return committed;
    }

    // A completed trial ran to its end even if it reported fewer steps (a trainable may report only some).
    private long Reached(TrialRecord t) =>
        t.State == TrialState.Complete ? Math.Max(FullRun, t.LastIntermediate?.Step ?? 0) : t.LastIntermediate?.Step ?? 0;

    /// <summary>Whether a new trial (to stop at <paramref name="stopAtStep"/>, or run to the end) fits.</summary>
    public bool AdmitsNew(TrialHistory history, long? stopAtStep = null) =>
        Committed(history) + Target(stopAtStep) <= MaxSteps;

    /// <summary>Whether resuming a paused trial that reached <paramref name="reached"/> up to a step fits.</summary>
    public bool AdmitsResume(TrialHistory history, long reached, long? stopAtStep) =>
        Committed(history) + Math.Max(0, Target(stopAtStep) - reached) <= MaxSteps;

    /// <summary>Whether the budget is spent for good: not even one more step fits.</summary>
    public bool IsSpent(TrialHistory history) => Committed(history) >= MaxSteps;

    private long Target(long? stopAtStep) => stopAtStep is { } stop ? Math.Min(stop, FullRun) : FullRun;
}
