using System.Text.Json;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Tests.Optimizers.Auto;

public class AutoOptimizerTests
{
    private static readonly SearchSpace Space = new(new FloatParameter("x", -2, 2), new FloatParameter("y", -2, 2));

    private static double Quadratic(Configuration c) => Math.Pow(c.GetDouble("x") - 0.5, 2) + Math.Pow(c.GetDouble("y") + 0.3, 2);

    private static IOptimizer Create(string type, string extra = "") =>
        OptimizerFactory.Create(new OptimizerSpec(type, 4, JsonDocument.Parse($"{{\"type\":\"{type}\"{extra}}}").RootElement.Clone()), Space, StudyDirection.Minimize);

    [Fact]
    public void It_is_the_default_and_suggests_as_gp_before_the_switch_and_as_tpe_after()
    {
        Assert.Equal("auto", OptimizerSpec.DefaultType);
        var history = OptimizationLoop.Run(Create("random"), Quadratic, 12);
        var auto = Create("auto", ",\"switchAfter\":12");
        // 12 completed trials: the switch has happened.
        Assert.Equal(Create("tpe").Suggest(history, 12)!.Params, auto.Suggest(history, 12)!.Params);
        var shorter = new TrialHistory(history.Trials.Take(11).ToList(), StudyDirection.Minimize);
        Assert.Equal(Create("gp").Suggest(shorter, 11)!.Params, auto.Suggest(shorter, 11)!.Params);
    }

    [Fact]
    public void It_optimizes_far_better_than_random_and_validates_its_settings()
    {
        var auto = OptimizationLoop.Run(Create("auto"), Quadratic, 25).Best!.Value!.Value;
        var random = OptimizationLoop.Run(Create("random"), Quadratic, 25).Best!.Value!.Value;
        Assert.True(auto < random / 10, $"auto {auto} vs random {random}");
        Assert.Equal("optimizer.switchAfter", Assert.Throws<SpecException>(() => Create("auto", ",\"switchAfter\":-1")).Path);
        Assert.Equal("optimizer.gamma", Assert.Throws<SpecException>(() => Create("auto", ",\"gamma\":0.1")).Path);
    }
    [Fact]
    public void A_space_too_wide_for_the_gp_gets_tpe_from_the_start()
    {
        // One coordinate per choice: 501 + 1 is over the default model dimension limit; 499 + 1 is not.
        static SearchSpace Wide(int choices) => new(
            new CategoricalParameter("c", Enumerable.Range(0, choices).Select(i => (object)(long)i).ToArray()),
            new FloatParameter("x", 0, 1));
        static IOptimizer Of(string type, SearchSpace space) =>
            OptimizerFactory.Create(OptimizerSpec.Of(type, 4), space, StudyDirection.Minimize);
        const string phase = HyperTune.Core.Optimizers.GaussianProcess.GaussianProcessOptimizer.PhaseAttribute;
        var wide = Wide(SpecLimits.Default.MaxModelDimensions + 1);
        var history = OptimizationLoop.Run(Of("random", wide), c => c.GetDouble("x"), 3);
        var suggestion = Of("auto", wide).Suggest(history, 3)!;
        Assert.Equal(Of("tpe", wide).Suggest(history, 3)!.Params, suggestion.Params);
        Assert.False(suggestion.Attributes.ContainsKey(phase));

        var narrow = Wide(SpecLimits.Default.MaxModelDimensions - 1);
        var gp = Of("auto", narrow).Suggest(OptimizationLoop.Run(Of("random", narrow), c => c.GetDouble("x"), 3), 3)!;
        Assert.True(gp.Attributes.ContainsKey(phase));
    }

    [Fact]
    public void The_switch_counts_trials_stopped_early_unless_multi_fidelity_is_off()
    {
        // 3 completed trials, 4 pruned and 2 paused with reports, 1 running, 1 failed: 9 modelled, 3 completed.
        const string phase = HyperTune.Core.Optimizers.GaussianProcess.GaussianProcessOptimizer.PhaseAttribute;
        var history = Fidelity.FidelityHistories.Rungs();
        IOptimizer Of(string extra) => OptimizerFactory.Create(new OptimizerSpec("auto", 4, JsonDocument.Parse(
                $"{{\"type\":\"auto\"{extra}}}").RootElement.Clone()), Fidelity.FidelityHistories.Space,
            StudyDirection.Minimize);
        Assert.False(Of(",\"switchAfter\":9").Suggest(history, 11)!.Attributes.ContainsKey(phase));
        Assert.True(Of(",\"switchAfter\":10").Suggest(history, 11)!.Attributes.ContainsKey(phase));
        Assert.True(Of(",\"switchAfter\":4,\"multiFidelity\":\"off\"").Suggest(history, 11)!.Attributes
            .ContainsKey(phase));
        Assert.False(Of(",\"switchAfter\":3,\"multiFidelity\":\"off\"").Suggest(history, 11)!.Attributes
            .ContainsKey(phase));
    }
}
