using HyperTune.Core.Studies;

namespace HyperTune.Core.Schedulers;

/// <summary>No early stopping (<c>"type": "none"</c>, the default): every trial runs to its end.</summary>
public sealed class RunToCompletionScheduler : ITrialScheduler
{
    /// <summary>The spec's name for it.</summary>
    public const string TypeName = "none";

    /// <inheritdoc />
    public bool PausesTrials => false;

    /// <inheritdoc />
    public ReportDecision OnReport(TrialHistory history, int trialNumber) => ReportDecision.Continue;

    /// <inheritdoc />
    public SlotDecision OnSlotFree(SchedulerContext context) =>
        context.CanStartNew ? SlotDecision.StartNew() : SlotDecision.Done("no new trials can start");

    /// <inheritdoc />
    public IReadOnlyList<RungSummary> Rungs(TrialHistory history) => Array.Empty<RungSummary>();
}
