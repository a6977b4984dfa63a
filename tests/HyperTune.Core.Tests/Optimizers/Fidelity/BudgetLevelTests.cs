using HyperTune.Core.Optimizers.Fidelity;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Tests.Optimizers.Fidelity;

public class BudgetLevelTests
{
    private static (int Number, long Step, double Value)[] Observed(IEnumerable<FidelityObservation> observations) =>
        observations.Select(o => (o.Trial.Number, o.Step, o.Value)).ToArray();

    [Fact]
    public void A_history_without_trials_stopped_early_has_no_level()
    {
        var unstopped = FidelityHistories.Rungs().Trials.Where(t => t.Number is 0 or 1 or 2 or 9 or 10).ToList();
        var history = new TrialHistory(unstopped, StudyDirection.Minimize);
        Assert.Null(BudgetLevel.Of(history, 1));
    }

    [Fact]
    public void With_enough_completed_trials_the_level_is_their_final_value()
    {
        var level = BudgetLevel.Of(FidelityHistories.Rungs(), 3)!;
        Assert.Equal(BudgetLevel.Final, level.Step);
        // Trial 2's final value (2.4) differs from its report at 27: the final value counts at the final level.
        Assert.Equal(new[] { (0, BudgetLevel.Final, 1.0), (1, BudgetLevel.Final, 2.0), (2, BudgetLevel.Final, 2.4) },
            Observed(level.AtLevel));
        // Below: each stopped trial at the last step it reached; running and failed trials are no observations.
        Assert.Equal(new[] { (3, 9L, 4.5), (4, 9L, 2.0), (5, 3L, 3.0), (6, 3L, 6.5), (7, 1L, 9.5), (8, 1L, 3.0) },
            Observed(level.Below));
    }

    [Fact]
    public void The_level_is_the_largest_step_that_enough_trials_reached()
    {
        // Four trials needed: only three completed, five reached step 9 (0-4).
        var nine = BudgetLevel.Of(FidelityHistories.Rungs(), 4)!;
        Assert.Equal(9, nine.Step);
        Assert.Equal(new[] { (0, 9L, 5.0), (1, 9L, 4.0), (2, 9L, 3.0), (3, 9L, 4.5), (4, 9L, 2.0) },
            Observed(nine.AtLevel));
        Assert.Equal(new[] { 5, 6, 7, 8 }, nine.Below.Select(o => o.Trial.Number));

        // Six: step 3 (seven trials, the paused ones among them, each at its value at step 3).
        var three = BudgetLevel.Of(FidelityHistories.Rungs(), 6)!;
        Assert.Equal(3, three.Step);
        Assert.Equal(
            new[] { (0, 3L, 7.0), (1, 3L, 6.0), (2, 3L, 5.0), (3, 3L, 5.5), (4, 3L, 4.0), (5, 3L, 3.0), (6, 3L, 6.5) },
            Observed(three.AtLevel));
        Assert.Equal(new[] { 7, 8 }, three.Below.Select(o => o.Trial.Number));

        // More than any level has: the lowest level, where every trial is.
        var one = BudgetLevel.Of(FidelityHistories.Rungs(), 20)!;
        Assert.Equal(1, one.Step);
        Assert.Equal(9, one.AtLevel.Count);
        Assert.Empty(one.Below);
    }

    [Fact]
    public void A_trial_without_a_report_at_the_level_is_observed_at_its_last_report_before_it()
    {
        var history = new TrialHistory(new[]
        {
            FidelityHistories.Trial(0, TrialState.Complete, 0.1, new[] { (2L, 8.0), (6L, 5.0), (27L, 1.0) }),
            FidelityHistories.Trial(1, TrialState.Pruned, 0.2, new[] { (1L, 7.0), (9L, 4.0) }),
            FidelityHistories.Trial(2, TrialState.Paused, 0.3, new[] { (9L, 3.0) }),
            // Reported at 1 only after a NaN at 3 was dropped: it reached step 1.
            FidelityHistories.Trial(3, TrialState.Pruned, 0.4, new[] { (1L, 6.0), (3L, double.NaN) }),
        }, StudyDirection.Minimize);
        var level = BudgetLevel.Of(history, 3)!;
        Assert.Equal(9, level.Step);
        Assert.Equal(new[] { (0, 6L, 5.0), (1, 9L, 4.0), (2, 9L, 3.0) }, Observed(level.AtLevel));
        Assert.Equal(new[] { (3, 1L, 6.0) }, Observed(level.Below));
    }

    [Fact]
    public void Losses_follow_the_direction()
    {
        var level = BudgetLevel.Of(FidelityHistories.Rungs(StudyDirection.Maximize), 4)!;
        Assert.Equal(level.AtLevel.Select(o => -o.Value), level.AtLevel.Select(o => o.Loss));
    }

    [Fact]
    public void The_projection_is_a_function_of_the_history()
    {
        var history = FidelityHistories.Rungs();
        for (var min = 1; min <= 12; min++)
        {
            var a = BudgetLevel.Of(history, min)!;
            var b = BudgetLevel.Of(new TrialHistory(history.Trials.ToList(), history.Direction), min)!;
            Assert.Equal(a.Step, b.Step);
            Assert.Equal(a.AtLevel, b.AtLevel);
            Assert.Equal(a.Below, b.Below);
            // Every trial with a value is observed exactly once.
            Assert.Equal(9, a.AtLevel.Concat(a.Below).Select(o => o.Trial.Number).Distinct().Count());
        }
    }
}
