using HyperTune.Core.Optimizers.Fidelity;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Tests.Optimizers.Fidelity;

/// <summary>
/// <see cref="BudgetLevel.ModelTrials"/>: what GP and RF fit under a level. Hand-worked on
/// <see cref="FidelityHistories.Rungs"/> without its running trial, with a level needing 4 trials: the level is step 9
/// (trials 0-4 reached it, at 9: 5, 4, 3, 4.5, 2); trials 5-6 stopped at step 3 and 7-8 at step 1.
/// </summary>
public class StoppedAsWorstTests
{
    private static BudgetLevel Level(StudyDirection direction)
    {
        var trials = FidelityHistories.Rungs(direction).Trials.Where(t => t.State != TrialState.Running).ToList();
        var level = BudgetLevel.Of(new TrialHistory(trials, direction), 4)!;
        Assert.Equal(9, level.Step);
        return level;
    }

    [Fact]
    public void Trials_stopped_below_the_level_get_the_worst_value_at_the_level()
    {
        var model = Level(StudyDirection.Minimize).ModelTrials(stoppedAsWorst: true);
        Assert.Equal(new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8 }, model.Select(t => t.Number));
        Assert.All(model, t => Assert.Equal(TrialState.Complete, t.State));
        // At the level their values at step 9; below it the worst of those, trial 0's 5.
        Assert.Equal(new[] { 5.0, 4.0, 3.0, 4.5, 2.0, 5.0, 5.0, 5.0, 5.0 }, model.Select(t => t.Value!.Value));
    }

    [Fact]
    public void The_worst_follows_the_direction()
    {
        // Maximizing, the worst value at step 9 is trial 4's 2.
        var model = Level(StudyDirection.Maximize).ModelTrials(stoppedAsWorst: true);
        Assert.Equal(new[] { 5.0, 4.0, 3.0, 4.5, 2.0, 2.0, 2.0, 2.0, 2.0 }, model.Select(t => t.Value!.Value));
    }

    [Fact]
    public void Without_the_rule_only_the_trials_at_the_level_are_modelled()
    {
        var model = Level(StudyDirection.Minimize).ModelTrials(stoppedAsWorst: false);
        Assert.Equal(new[] { 0, 1, 2, 3, 4 }, model.Select(t => t.Number));
        Assert.Equal(new[] { 5.0, 4.0, 3.0, 4.5, 2.0 }, model.Select(t => t.Value!.Value));
    }
}
