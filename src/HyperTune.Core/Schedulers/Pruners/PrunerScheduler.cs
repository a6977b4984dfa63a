using HyperTune.Core.Studies;

namespace HyperTune.Core.Schedulers.Pruners;

/// <summary>
/// A scheduler that only prunes on intermediate reports (Optuna's pruners): it never pauses, starts a new trial
/// whenever a slot is free and the budget allows, and has no rungs.
/// </summary>
public abstract class PrunerScheduler : ITrialScheduler
{
    /// <inheritdoc />
    public bool PausesTrials => false;

    /// <inheritdoc />
    public abstract ReportDecision OnReport(TrialHistory history, int trialNumber);

    /// <inheritdoc />
    public SlotDecision OnSlotFree(SchedulerContext context) =>
        context.CanStartNew ? SlotDecision.StartNew() : SlotDecision.Done("no new trials can start");

    /// <inheritdoc />
    public IReadOnlyList<RungSummary> Rungs(TrialHistory history) => Array.Empty<RungSummary>();

    /// <summary>The trial with <paramref name="number"/>, or null.</summary>
    protected static TrialRecord? Find(TrialHistory history, int number) =>
        Halving.RungValues.Find(history, number);
}
