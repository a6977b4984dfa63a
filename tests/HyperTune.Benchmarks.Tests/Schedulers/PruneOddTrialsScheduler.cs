using HyperTune.Core.Schedulers;
using HyperTune.Core.Studies;

namespace HyperTune.Benchmarks.Tests.Schedulers;

/// <summary>Prunes odd-numbered trials at step <c>atStep</c> (all trials when <c>all</c>); starts new trials otherwise.</summary>
internal sealed class PruneOddTrialsScheduler(long atStep = 1, bool all = false) : ITrialScheduler
{
    public bool PausesTrials => false;

    public ReportDecision OnReport(TrialHistory history, int trialNumber) =>
        (all || trialNumber % 2 == 1) && history.Trials[trialNumber].LastIntermediate!.Step >= atStep
            ? ReportDecision.Prune($"trial {trialNumber} pruned at step {atStep}")
            : ReportDecision.Continue;

    public SlotDecision OnSlotFree(SchedulerContext context) =>
        context.CanStartNew ? SlotDecision.StartNew() : SlotDecision.Done("nothing can start");

    public IReadOnlyList<RungSummary> Rungs(TrialHistory history) => Array.Empty<RungSummary>();
}
