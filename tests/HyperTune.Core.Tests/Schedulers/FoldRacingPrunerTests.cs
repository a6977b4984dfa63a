using HyperTune.Core.Schedulers;
using HyperTune.Core.Schedulers.Pruners;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;
using static HyperTune.Core.Tests.Schedulers.SchedulerSimulation;

namespace HyperTune.Core.Tests.Schedulers;

public class FoldRacingPrunerTests
{
    // Running means of fold values; fold racing recovers the folds from them.
    private static double[] Means(params double[] folds) =>
        folds.Select((_, i) => folds.Take(i + 1).Average()).ToArray();

    private static ReportAction Decide(FoldRacingPruner pruner, StudyDirection direction, params TrialRecord[] trials) =>
        pruner.OnReport(new TrialHistory(trials, direction), trials[^1].Number).Action;

    // The incumbent: accuracy per fold, completed after 5 folds.
    private static readonly TrialRecord Best = Trial(0, TrialState.Complete, Means(0.95, 0.97, 0.96, 0.94, 0.98));

    [Fact]
    public void Recovers_fold_values_from_running_means()
    {
        var folds = FoldRacingPruner.FoldValues(Best, 5)!;
        Assert.Equal(new[] { 0.95, 0.97, 0.96, 0.94, 0.98 }, folds.Select(v => Math.Round(v, 12)));
        Assert.Null(FoldRacingPruner.FoldValues(Running(1, 0.9), 2));
    }

    [Fact]
    public void Stops_a_trial_worse_than_the_incumbent_on_the_same_folds()
    {
        var racing = new FoldRacingPruner();
        // 0.02-0.04 below the incumbent on each of 3 folds: a paired t-test says worse.
        Assert.Equal(ReportAction.Prune, Decide(racing, StudyDirection.Maximize, Best, Running(1, Means(0.92, 0.94, 0.93))));
        // Worse on the mean but not consistently: one fold far better. Goes on.
        Assert.Equal(ReportAction.Continue, Decide(racing, StudyDirection.Maximize, Best, Running(1, Means(0.85, 0.99, 0.95))));
        // Better than the incumbent: goes on.
        Assert.Equal(ReportAction.Continue, Decide(racing, StudyDirection.Maximize, Best, Running(1, Means(0.96, 0.98, 0.97))));
    }

    [Fact]
    public void Direction_decides_what_worse_means()
    {
        var losses = Trial(0, TrialState.Complete, Means(0.30, 0.32, 0.31, 0.29, 0.33));
        var racing = new FoldRacingPruner();
        Assert.Equal(ReportAction.Prune, Decide(racing, StudyDirection.Minimize, losses, Running(1, Means(0.35, 0.36, 0.37))));
        Assert.Equal(ReportAction.Continue, Decide(racing, StudyDirection.Minimize, losses, Running(1, Means(0.25, 0.26, 0.27))));
    }

    [Fact]
    public void Never_stops_before_min_folds_nor_without_an_incumbent()
    {
        var racing = new FoldRacingPruner(minFolds: 3);
        // Far worse on folds 1-2, but only 2 folds reported.
        Assert.Equal(ReportAction.Continue, Decide(racing, StudyDirection.Maximize, Best, Running(1, Means(0.5, 0.5))));
        Assert.Equal(ReportAction.Prune, Decide(racing, StudyDirection.Maximize, Best, Running(1, Means(0.5, 0.5, 0.5))));
        // No completed trial yet.
        Assert.Equal(ReportAction.Continue, Decide(racing, StudyDirection.Maximize, Running(1, Means(0.5, 0.5, 0.5))));
    }

    [Fact]
    public void Higher_confidence_needs_more_evidence()
    {
        // Worse by 0.01 +- 0.01 on 3 folds: t = 0.0133 / (0.0058 / sqrt 3) = 4.0; t(0.95, 2) = 2.92, t(0.99, 2) = 6.96.
        var trial = Running(1, Means(0.93, 0.96, 0.95));
        Assert.Equal(ReportAction.Prune, Decide(new FoldRacingPruner(confidence: 0.95), StudyDirection.Maximize, Best, trial));
        Assert.Equal(ReportAction.Continue, Decide(new FoldRacingPruner(confidence: 0.99), StudyDirection.Maximize, Best, trial));
    }

    [Fact]
    public void Spec_settings_are_read_and_checked()
    {
        var spec = new SchedulerSpec("fold-racing", JsonSettings.Parse("""{"type": "fold-racing", "minFolds": 3, "confidence": 0.9}""").Element);
        var racing = Assert.IsType<FoldRacingPruner>(SchedulerFactory.Create(spec, StudyDirection.Maximize));
        Assert.Equal(3, racing.MinFolds);
        Assert.Equal(0.9, racing.Confidence);
        var bad = new SchedulerSpec("fold-racing", JsonSettings.Parse("""{"type": "fold-racing", "confidence": 1}""").Element);
        Assert.Contains("confidence", Assert.Throws<SpecException>(() => SchedulerFactory.Create(bad, StudyDirection.Maximize)).Message);
    }
}
