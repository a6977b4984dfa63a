using System.Collections.Immutable;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Schedulers.Halving;
using HyperTune.Core.Studies;
using static HyperTune.Core.Tests.Schedulers.SchedulerSimulation;

namespace HyperTune.Core.Tests.Schedulers;

public class AshaSchedulerTests
{
    private const StudyDirection Min = StudyDirection.Minimize;
    private const StudyDirection Max = StudyDirection.Maximize;

    private static readonly ResourceLadder Ladder = new(1, 27, 3);

    [Fact]
    public void Ladder_rungs_are_min_times_eta_powers_below_the_maximum()
    {
        Assert.Equal([1L, 3, 9], Ladder.Milestones(0));
        Assert.Equal([3L, 9], Ladder.Milestones(1));
        Assert.Empty(Ladder.Milestones(3));
        Assert.Equal(3, Ladder.MaxEarlyStoppingRate);
        Assert.Equal([2L, 4, 8, 16], new ResourceLadder(2, 20, 2).Milestones(0));
    }

    [Fact]
    public void A_trial_reaching_a_rung_goes_on_only_in_the_top_third_of_the_values_there()
    {
        // Hand-worked, minimizing, values at step 1 arriving in trial order:
        // t0 5 (1 value: keep 1, best) go; t1 6 (2: keep 1) pruned; t2 4 (3: keep 1, best) go; t3 7 (4: keep 1)
        // pruned; t4 3 (5: keep 1, best) go; t5 4.5 (6: keep 2; 3, 4 are better) pruned; t6 3.5 (7: keep 2) go.
        var asha = new AshaScheduler(Ladder);
        double[] values = [5, 6, 4, 7, 3, 4.5, 3.5];
        var expected = new[] { true, false, true, false, true, false, true };
        var trials = new List<TrialRecord>();
        for (var i = 0; i < values.Length; i++)
        {
            trials.Add(Running(i, values[i]));
            var decision = asha.OnReport(new TrialHistory(trials, Min), i);
            Assert.Equal(expected[i] ? ReportAction.Continue : ReportAction.Prune, decision.Action);
            if (decision.Action == ReportAction.Prune)
                trials[i] = trials[i] with { State = TrialState.Pruned, Value = values[i] };
        }
    }

    [Fact]
    public void Only_reports_that_cross_a_milestone_are_judged()
    {
        var asha = new AshaScheduler(Ladder);
        var leader = Running(0, 1, 1, 1);
        // Step 2 is no rung: a bad value there goes on.
        var between = Running(1, 0.5, 9);
        Assert.Equal(ReportAction.Continue, asha.OnReport(new TrialHistory([leader, between], Min), 1).Action);
        // Step 3 is: 9 against the leader's 1 is pruned.
        var atRung = Running(1, 0.5, 9, 9);
        Assert.Equal(ReportAction.Prune, asha.OnReport(new TrialHistory([leader, atRung], Min), 1).Action);
        // A trainable reporting every other step is judged at its first report past the milestone (step 4 for 3).
        var sparse = new TrialRecord(1, TrialState.Running, leader.Params)
        {
            Intermediate = [new IntermediateValue(2, 0.5), new IntermediateValue(4, 9)],
        };
        Assert.Equal(ReportAction.Prune, asha.OnReport(new TrialHistory([leader, sparse], Min), 1).Action);
    }

    [Fact]
    public void Maximizing_keeps_the_largest_values()
    {
        var asha = new AshaScheduler(Ladder);
        var first = Running(0, 5);
        Assert.Equal(ReportAction.Prune, asha.OnReport(new TrialHistory([first, Running(1, 4)], Max), 1).Action);
        Assert.Equal(ReportAction.Continue, asha.OnReport(new TrialHistory([first, Running(1, 6)], Max), 1).Action);
    }

    [Fact]
    public void Min_early_stopping_rate_skips_the_first_rungs()
    {
        var asha = new AshaScheduler(Ladder, minEarlyStoppingRate: 1);
        var leader = Running(0, 1, 1, 1);
        // Step 1 is no longer a rung; step 3 is.
        Assert.Equal(ReportAction.Continue, asha.OnReport(new TrialHistory([leader, Running(1, 9)], Min), 1).Action);
        Assert.Equal(ReportAction.Prune, asha.OnReport(new TrialHistory([leader, Running(1, 9, 9, 9)], Min), 1).Action);
    }

    [Fact]
    public void Rungs_count_trials_promotions_and_the_best_value()
    {
        var asha = new AshaScheduler(Ladder);
        var history = new TrialHistory(
        [
            Trial(0, TrialState.Complete, Enumerable.Repeat(1.0, 27).ToArray()),
            Trial(1, TrialState.Pruned, 6),
            Running(2, 4, 3, 2),
            Running(3, 0.5),
        ], Min);
        var rungs = asha.Rungs(history);
        Assert.Equal(4, rungs.Count);
        // Step 1: four trials; t0 and t2 went past it, t3 is still running after it; best 0.5.
        Assert.Equal(new RungSummary(0, 0, 1, 4, 3, 0.5), rungs[0]);
        // Step 3: t0 went on, t2 is running at it.
        Assert.Equal(new RungSummary(0, 1, 3, 2, 2, 1), rungs[1]);
        Assert.Equal(new RungSummary(0, 2, 9, 1, 1, 1), rungs[2]);
        // The final rung (maxResource 27): only t0 trained that far; nothing goes past it.
        Assert.Equal(new RungSummary(0, 3, 27, 1, 0, 1), rungs[3]);
    }

    [Fact]
    public void Asha_never_waits_and_starts_trials_while_it_can()
    {
        var asha = new AshaScheduler(Ladder);
        var history = TrialHistory.Empty(Min);
        var start = asha.OnSlotFree(new SchedulerContext(history, true, 5));
        Assert.Equal(SlotAction.StartNew, start.Action);
        Assert.Null(start.StopAtStep);
        Assert.Equal(SlotAction.Done, asha.OnSlotFree(new SchedulerContext(history, false, 5)).Action);
        Assert.False(asha.PausesTrials);
    }
}
