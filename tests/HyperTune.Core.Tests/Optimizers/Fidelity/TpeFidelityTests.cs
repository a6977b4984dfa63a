using System.Text.Json;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Optimizers.Fidelity;
using HyperTune.Core.Optimizers.Tpe;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Tests.Optimizers.Fidelity;

public class TpeFidelityTests
{
    private static TpeOptimizer Tpe(string multiFidelity, long seed = 1, int startup = 4)
    {
        var json = $$"""{"type":"tpe","nStartupTrials":{{startup}},"multiFidelity":"{{multiFidelity}}"}""";
        var spec = new OptimizerSpec("tpe", seed, JsonDocument.Parse(json).RootElement.Clone());
        return new(FidelityHistories.Space, spec);
    }

    private static int[] Numbers(TrialHistory history, ObservationRanking ranking) =>
        ranking.Order.Select(i => history.Trials[i].Number).ToArray();

    [Fact]
    public void Auto_ranks_paused_trials_with_the_pruned_ones_by_the_step_reached_then_the_value()
    {
        var history = FidelityHistories.Rungs();
        var ranking = ObservationRanking.Rank(history, includePending: true, includePaused: true);
        // Complete by final value (1, 2, 2.4); step 9 (2.0, 4.5); step 3 (3.0, 6.5); step 1 (3.0, 9.5); failed;
        // running.
        Assert.Equal(new[] { 0, 1, 2, 4, 3, 5, 6, 8, 7, 10, 9 }, Numbers(history, ranking));
        Assert.Equal(10, ranking.ValuedCount);
        Assert.Equal(10, ranking.LevelCount);
    }

    [Fact]
    public void A_resumed_trial_stays_an_observation_while_it_runs_and_is_not_pending()
    {
        // Trial 4 (the best at step 9) was resumed to run to 27: running, with a stop step, its values so far known.
        var trials = FidelityHistories.Rungs().Trials.ToList();
        trials[4] = trials[4] with { State = TrialState.Running, Value = null, StopAtStep = 27 };
        var history = new TrialHistory(trials, StudyDirection.Minimize);
        var ranking = ObservationRanking.Rank(history, includePending: true, includePaused: true);
        Assert.Equal(new[] { 0, 1, 2, 4, 3, 5, 6, 8, 7, 10, 9 }, Numbers(history, ranking));
        Assert.Equal(10, ranking.ValuedCount);
        var level = BudgetLevel.Of(history, 4)!;
        Assert.Equal(9, level.Step);
        Assert.Contains(level.AtLevel, o => o.Trial.Number == 4 && o.Value == 2.0);
        // Without a stop step (a scheduler that never pauses) a running trial is only pending, as before.
        trials[4] = trials[4] with { StopAtStep = null };
        var plain = new TrialHistory(trials, StudyDirection.Minimize);
        var pendingRanking = ObservationRanking.Rank(plain, includePending: true, includePaused: true);
        Assert.Equal(new[] { 0, 1, 2, 3, 5, 6, 8, 7, 10, 4, 9 }, Numbers(plain, pendingRanking));
        Assert.Equal(9, pendingRanking.ValuedCount);
    }

    [Fact]
    public void Off_leaves_paused_trials_out_as_before()
    {
        var history = FidelityHistories.Rungs();
        var ranking = ObservationRanking.Rank(history, includePending: true);
        Assert.Equal(new[] { 0, 1, 2, 4, 3, 8, 7, 10, 9 }, Numbers(history, ranking));
        Assert.Equal(8, ranking.ValuedCount);
    }

    [Fact]
    public void Level_ranks_the_trials_at_the_budget_level_first_by_their_value_there()
    {
        var history = FidelityHistories.Rungs();
        var level = BudgetLevel.Of(history, 4)!;
        var ranking = ObservationRanking.Rank(history, includePending: true, level: level);
        // At step 9: 4 (2.0), 2 (3.0), 1 (4.0), 3 (4.5), 0 (5.0); below: 5, 6 (step 3), 8, 7 (step 1); running.
        Assert.Equal(new[] { 4, 2, 1, 3, 0, 5, 6, 8, 7, 9 }, Numbers(history, ranking));
        Assert.Equal(5, ranking.LevelCount);
        Assert.Equal(9, ranking.ValuedCount);
    }

    [Fact]
    public void Without_trials_stopped_early_auto_suggests_exactly_what_off_does()
    {
        var objective = (HyperTune.Core.Spaces.Configuration c) =>
            Math.Pow(c.GetDouble("x") - 0.3, 2) + Math.Pow(c.GetDouble("y") - 0.6, 2);
        var auto = OptimizationLoop.Run(Tpe("auto"), objective, 30, pending: 2);
        var off = OptimizationLoop.Run(Tpe("off"), objective, 30, pending: 2);
        Assert.Equal(off.Trials.Select(t => t.Params), auto.Trials.Select(t => t.Params));
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("level")]
    public void A_suggestion_is_a_function_of_the_history_with_stopped_trials(string mode)
    {
        var history = FidelityHistories.Rungs();
        var a = Tpe(mode).Suggest(history, 11)!.Params;
        var b = Tpe(mode).Suggest(history, 11)!.Params;
        Assert.Equal(a, b);
    }

    [Fact]
    public void Paused_trials_shape_the_good_density_under_auto_and_not_under_off()
    {
        // A synchronous rung in progress: five trials paused at step 3 at x = 0 to 0.4 (the best at 0), five pruned
        // at step 1 at x = 0.6 to 1 (the best at 1).
        var trials = Enumerable.Range(0, 5)
            .Select(n => FidelityHistories.Trial(n, TrialState.Paused, 0.1 * n, new[] { (1L, 5.0 + n), (3L, 4.0 + n) }))
            .Concat(Enumerable.Range(5, 5).Select(n =>
                FidelityHistories.Trial(n, TrialState.Pruned, 0.1 * (n + 1), new[] { (1L, 20.0 - n) })))
            .ToList();
        var history = new TrialHistory(trials, StudyDirection.Minimize);
        double[] Xs(string mode) =>
            Enumerable.Range(10, 20).Select(n => Tpe(mode).Suggest(history, n)!.Params.GetDouble("x")).ToArray();
        var auto = Xs("auto");
        var off = Xs("off");
        // Auto's good set is the best paused trials (near x = 0); off sees only the pruned ones (best at x = 1).
        Assert.True(auto.Average() < 0.3, $"auto mean x {auto.Average():F3}");
        Assert.True(off.Average() > auto.Average() + 0.2, $"off mean x {off.Average():F3}, auto {auto.Average():F3}");
    }

    [Fact]
    public void An_unknown_mode_is_refused_with_the_field_named()
    {
        var e = Assert.Throws<SpecException>(() => Tpe("sometimes"));
        Assert.Contains("multiFidelity", e.Message);
    }
}
