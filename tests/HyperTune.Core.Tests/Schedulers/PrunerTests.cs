using HyperTune.Core.Schedulers;
using HyperTune.Core.Schedulers.Pruners;
using HyperTune.Core.Studies;
using static HyperTune.Core.Tests.Schedulers.SchedulerSimulation;

namespace HyperTune.Core.Tests.Schedulers;

public class PrunerTests
{
    private const StudyDirection Min = StudyDirection.Minimize;
    private const StudyDirection Max = StudyDirection.Maximize;

    // Two completed trials: at step 3 their best values so far are 6 and 8, so the median is 7.
    private static readonly TrialRecord A = Trial(0, TrialState.Complete, 10, 8, 6, 4, 2);
    private static readonly TrialRecord B = Trial(1, TrialState.Complete, 12, 10, 8, 6, 4);

    private static ReportAction Decide(ITrialScheduler s, StudyDirection direction, params TrialRecord[] trials) =>
        s.OnReport(new TrialHistory(trials, direction), trials[^1].Number).Action;

    [Fact]
    public void Median_prunes_a_trial_worse_than_the_median_of_completed_trials_at_its_step()
    {
        var median = new PercentilePruner(50, startupTrials: 2, warmupSteps: 2);
        Assert.Equal(ReportAction.Prune, Decide(median, Min, A, B, Running(2, 20, 20, 7.5)));
        Assert.Equal(ReportAction.Continue, Decide(median, Min, A, B, Running(2, 20, 20, 6.9)));
        // The trial's best so far counts, not its last report: 5 at step 1 beats the median 7 at step 3.
        Assert.Equal(ReportAction.Continue, Decide(median, Min, A, B, Running(2, 5, 20, 9)));
    }

    [Fact]
    public void Median_does_not_prune_during_warm_up_or_before_enough_trials_completed()
    {
        var median = new PercentilePruner(50, startupTrials: 2, warmupSteps: 2);
        // Steps 1 and 2 are warm-up: 20 is far worse than the median at step 2 (9) but goes on.
        Assert.Equal(ReportAction.Continue, Decide(median, Min, A, B, Running(2, 20, 20)));
        // Only one completed trial: startup.
        Assert.Equal(ReportAction.Continue, Decide(median, Min, A, Running(1, 20, 20, 20)));
        // Without warm-up the same report is pruned at step 2.
        var eager = new PercentilePruner(50, startupTrials: 2);
        Assert.Equal(ReportAction.Prune, Decide(eager, Min, A, B, Running(2, 20, 20)));
    }

    [Fact]
    public void A_step_no_completed_trial_reached_decides_nothing()
    {
        var median = new PercentilePruner(50, startupTrials: 2);
        // A and B stop at step 5; step 6 has nothing to compare with.
        var late = Running(2, 100, 100, 100, 100, 100, 100);
        Assert.Equal(ReportAction.Continue, Decide(median, Min, A, B, late));
        // The same trial at step 5 is compared and pruned.
        var atFive = Running(2, 100, 100, 100, 100, 100);
        Assert.Equal(ReportAction.Prune, Decide(median, Min, A, B, atFive));
    }

    [Fact]
    public void Interval_checks_only_every_interval_steps_after_warm_up()
    {
        var median = new PercentilePruner(50, startupTrials: 2, warmupSteps: 0, interval: 2);
        Assert.Equal(ReportAction.Continue, Decide(median, Min, A, B, Running(2, 50, 50, 50)));
        Assert.Equal(ReportAction.Prune, Decide(median, Min, A, B, Running(2, 50, 50, 50, 50)));
    }

    [Fact]
    public void Percentile_interpolates_and_follows_the_direction()
    {
        // Step 1 values of four completed trials: 1, 2, 3, 4. The 25th percentile of losses is 1.75.
        var done = new[]
        {
            Trial(0, TrialState.Complete, 1, 1), Trial(1, TrialState.Complete, 2, 2),
            Trial(2, TrialState.Complete, 3, 3), Trial(3, TrialState.Complete, 4, 4),
        };
        var p25 = new PercentilePruner(25, startupTrials: 4);
        Assert.Equal(ReportAction.Continue, Decide(p25, Min, [.. done, Running(4, 1.7)]));
        Assert.Equal(ReportAction.Prune, Decide(p25, Min, [.. done, Running(4, 1.8)]));
        // Maximizing, the best quarter is above 3.25.
        Assert.Equal(ReportAction.Prune, Decide(p25, Max, [.. done, Running(4, 3.2)]));
        Assert.Equal(ReportAction.Continue, Decide(p25, Max, [.. done, Running(4, 3.3)]));
        Assert.Equal(1.75, PercentilePruner.PercentileOf([1, 2, 3, 4], 25), 12);
    }

    [Fact]
    public void Threshold_prunes_values_out_of_bounds_after_warm_up()
    {
        var threshold = new ThresholdPruner(lower: 0, upper: 10, warmupSteps: 1);
        Assert.Equal(ReportAction.Continue, Decide(threshold, Min, Running(0, 100)));
        Assert.Equal(ReportAction.Prune, Decide(threshold, Min, Running(0, 100, 11)));
        Assert.Equal(ReportAction.Prune, Decide(threshold, Min, Running(0, 5, -1)));
        Assert.Equal(ReportAction.Continue, Decide(threshold, Min, Running(0, 5, 10)));
    }

    [Fact]
    public void Patience_prunes_after_reports_without_enough_improvement()
    {
        var patience = new PatiencePruner(2, minDelta: 0.1);
        // Best before the last two reports: 4; best of the last two: 3.94, not below 4 - 0.1.
        Assert.Equal(ReportAction.Prune, Decide(patience, Min, Running(0, 5, 4, 3.95, 3.94)));
        Assert.Equal(ReportAction.Continue, Decide(patience, Min, Running(0, 5, 4, 3.8)));
        // Too few reports to judge.
        Assert.Equal(ReportAction.Continue, Decide(patience, Min, Running(0, 5, 5)));
        // Maximizing, rising values are improvements.
        Assert.Equal(ReportAction.Continue, Decide(patience, Max, Running(0, 1, 2, 3, 4)));
        Assert.Equal(ReportAction.Prune, Decide(patience, Max, Running(0, 4, 3, 2, 1)));
    }

    [Fact]
    public void Patience_around_a_pruner_prunes_only_a_stagnating_trial_the_pruner_would_prune()
    {
        var wrapped = new PatiencePruner(2, inner: new PercentilePruner(50, startupTrials: 2));
        // Stagnating and worse than the median at step 5 (A and B: 2 and 4, so 3).
        Assert.Equal(ReportAction.Prune, Decide(wrapped, Min, A, B, Running(2, 9, 9, 9, 9, 9)));
        // Stagnating but better than the median: the median rule says go on.
        Assert.Equal(ReportAction.Continue, Decide(wrapped, Min, A, B, Running(2, 1, 1, 1, 1, 1)));
        // Worse than the median but improving: patience keeps it.
        Assert.Equal(ReportAction.Continue, Decide(wrapped, Min, A, B, Running(2, 40, 30, 20, 15, 10)));
    }

    [Fact]
    public void Pruners_start_trials_while_the_budget_allows_and_have_no_rungs()
    {
        var median = new PercentilePruner(50);
        var history = new TrialHistory([A], Min);
        Assert.Equal(SlotAction.StartNew, median.OnSlotFree(new SchedulerContext(history, true, 10)).Action);
        Assert.Equal(SlotAction.Done, median.OnSlotFree(new SchedulerContext(history, false, 10)).Action);
        Assert.Empty(median.Rungs(history));
        Assert.False(median.PausesTrials);
    }
}
