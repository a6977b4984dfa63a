using System.Collections.Immutable;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Studies;

namespace HyperTune.Cluster.Tests;

/// <summary>
/// A small synchronous scheduler for lifecycle tests (the real ones live in Core): the first <c>rungSize</c> trials
/// run to <c>milestone</c> and pause; once none of them runs, the best <c>keep</c> (smallest value) resume to the end
/// and the others are pruned; then no new trials. With <c>rungSize</c> 0 every trial runs to the end. Reports above
/// <c>pruneAbove</c> prune their trial at once. Minimizes.
/// </summary>
internal sealed class FakeRungScheduler(int rungSize, long milestone, int keep, double? pruneAbove = null) : ITrialScheduler
{
    public bool PausesTrials => rungSize > 0;

    /// <summary>How often each trial was resumed, over every call (a property test: never twice).</summary>
    public Dictionary<int, int> Resumes { get; } = new();

    public ReportDecision OnReport(TrialHistory history, int trialNumber) =>
        pruneAbove is { } limit && history.Trials[trialNumber].LastIntermediate!.Value > limit
            ? ReportDecision.Prune($"above {limit}")
            : ReportDecision.Continue;

    public SlotDecision OnSlotFree(SchedulerContext context)
    {
        var trials = context.History.Trials;
        if (rungSize == 0)
            return context.CanStartNew ? SlotDecision.StartNew() : SlotDecision.Done("no new trials can start");
        if (trials.Count < rungSize && context.CanStartNew)
            return SlotDecision.StartNew(milestone) with
            {
                Attributes = ImmutableDictionary<string, string>.Empty.Add("scheduler.rung", "0"),
            };
        var rung = trials.Take(rungSize).ToList();
        if (rung.Any(t => t.State is TrialState.Running or TrialState.Waiting && t.StopAtStep is not null))
            return SlotDecision.Wait("rung 0 is open");
        var paused = rung.Where(t => t.State == TrialState.Paused)
            .OrderBy(t => t.LastIntermediate?.Value ?? double.MaxValue).ThenBy(t => t.Number).ToList();
        if (paused.Count == 0) return SlotDecision.Done("the rung is done");
        var resumed = rung.Count(t => t.StopAtStep is null);
        var promote = paused[0].Number;
        Resumes[promote] = Resumes.GetValueOrDefault(promote) + 1;
        return SlotDecision.Resume(promote, null, "best of rung 0") with
        {
            Prune = paused.Skip(Math.Max(0, keep - resumed)).Select(t => t.Number).ToImmutableArray(),
        };
    }

    public IReadOnlyList<RungSummary> Rungs(TrialHistory history) => Array.Empty<RungSummary>();
}
