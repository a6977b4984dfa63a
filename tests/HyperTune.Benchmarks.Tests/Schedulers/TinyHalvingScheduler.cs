using System.Collections.Immutable;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Studies;

namespace HyperTune.Benchmarks.Tests.Schedulers;

/// <summary>
/// One synchronous rung, for hand-worked tests: <c>size</c> trials run to step <c>rung</c> and pause; when all have,
/// the better half is resumed to the end and the rest pruned. Reads everything from the history, as schedulers must.
/// </summary>
internal sealed class TinyHalvingScheduler(int size, long rung) : ITrialScheduler
{
    public bool PausesTrials => true;

    public ReportDecision OnReport(TrialHistory history, int trialNumber) => ReportDecision.Continue;

    public SlotDecision OnSlotFree(SchedulerContext context)
    {
        var trials = context.History.Trials;
        if (trials.Count < size && context.CanStartNew) return SlotDecision.StartNew(rung);
        var paused = context.History.Paused.ToArray();
        var promoted = trials.Where(t => t.StopAtStep is null).ToArray();
        if (promoted.Length == 0 && context.History.Pending.Any()) return SlotDecision.Wait("the rung is not complete");
        if (promoted.Length == 0)
        {
            // The rung is complete: the better half goes on, the rest stops for good.
            var ranked = paused.OrderBy(t => t.LastIntermediate!.Value).ThenBy(t => t.Number).ToArray();
            var keep = ranked.Take(Math.Max(1, ranked.Length / 2)).ToArray();
            return SlotDecision.Resume(keep[0].Number, null, "promoted") with
            {
                Prune = ranked.Skip(keep.Length).Select(t => t.Number).ToImmutableArray(),
            };
        }
        var next = paused.OrderBy(t => t.LastIntermediate!.Value).ThenBy(t => t.Number).FirstOrDefault();
        return next is null ? SlotDecision.Done("the bracket is done") : SlotDecision.Resume(next.Number, null, "promoted");
    }

    public IReadOnlyList<RungSummary> Rungs(TrialHistory history) => Array.Empty<RungSummary>();
}
