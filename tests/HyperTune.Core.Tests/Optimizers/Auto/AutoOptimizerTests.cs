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
}
