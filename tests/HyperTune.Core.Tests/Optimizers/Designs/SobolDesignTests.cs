using System.Text.Json;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Optimizers.Designs;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;
using HyperTune.Core.Tests.Spaces;

namespace HyperTune.Core.Tests.Optimizers.Designs;

public class SobolDesignTests
{
    [Fact]
    public void Sobol_initial_design_points_stay_in_conditional_int_log_and_categorical_spaces()
    {
        var space = SearchSpaceTests.ValidConditionalSpace();
        var points = Enumerable.Range(0, 64).Select(n => InitialDesign.Point("sobol", space, 7, n)).ToList();
        Assert.All(points, p => Assert.Empty(space.Check(p)));
        Assert.Equal(64, points.Distinct().Count());
        Assert.Contains(points, p => p.ContainsKey("momentum"));
        Assert.Contains(points, p => !p.ContainsKey("momentum"));
    }

    [Fact]
    public void Categorical_choices_and_integers_are_balanced_over_a_power_of_two_prefix()
    {
        var space = new SearchSpace(
            new CategoricalParameter("c", new object[] { "a", "b", "c", "d" }),
            new IntParameter("i", 1, 8),
            new FloatParameter("lr", 1e-4, 1, Log: true));
        var points = Enumerable.Range(0, 32).Select(n => InitialDesign.Point("sobol", space, 3, n)).ToList();
        Assert.All(points.GroupBy(p => p["c"]), g => Assert.Equal(8, g.Count()));
        Assert.All(points.GroupBy(p => p["i"]), g => Assert.Equal(4, g.Count()));
        Assert.Equal(8, points.Select(p => p["i"]).Distinct().Count());
        // Log scale: a quarter of the points per decade.
        Assert.Equal(8, points.Count(p => p.GetDouble("lr") < 1e-3));
    }

    [Fact]
    public void The_design_depends_on_the_seed_and_is_reproducible()
    {
        var space = SearchSpaceTests.ValidConditionalSpace();
        Assert.Equal(InitialDesign.Point("sobol", space, 1, 5), InitialDesign.Point("sobol", space, 1, 5));
        Assert.NotEqual(InitialDesign.Point("sobol", space, 1, 5), InitialDesign.Point("sobol", space, 2, 5));
    }

    [Fact]
    public void The_sobol_optimizer_gives_the_initial_design_and_distinct_points_to_parallel_trials()
    {
        var space = SearchSpaceTests.ValidConditionalSpace();
        var optimizer = OptimizerFactory.Create(OptimizerSpec.Of("sobol", 4), space, StudyDirection.Minimize);
        var empty = TrialHistory.Empty(StudyDirection.Minimize);
        var history = OptimizationLoop.Run(optimizer, _ => 1.0, 16, pending: 4);
        Assert.Equal(16, history.Trials.Select(t => t.Params).Distinct().Count());
        for (var n = 0; n < 16; n++)
            Assert.Equal(InitialDesign.Point("sobol", space, 4, n), history.Trials[n].Params);
        var fresh = OptimizerFactory.Create(OptimizerSpec.Of("sobol", 4), space, StudyDirection.Minimize);
        Assert.Equal(optimizer.Suggest(history, 16)!.Params, fresh.Suggest(history, 16)!.Params);
        Assert.NotEqual(optimizer.Suggest(empty, 16)!.Params, optimizer.Suggest(empty, 17)!.Params);
    }

    [Fact]
    public void Sobol_search_always_lands_near_a_one_dimensional_optimum()
    {
        // Stratification guarantees one of the first 16 points within 1/16 of any target; random search fails often.
        var space = new SearchSpace(new FloatParameter("x", 0, 1));
        for (var seed = 0; seed < 20; seed++)
        {
            var optimizer = OptimizerFactory.Create(OptimizerSpec.Of("sobol", seed), space, StudyDirection.Minimize);
            var best = OptimizationLoop.Run(optimizer, c => Math.Abs(c.GetDouble("x") - 0.3141), 16).Best!;
            Assert.True(best.Value < 1.0 / 16, $"seed {seed}: {best.Value}");
        }
    }

    [Fact]
    public void An_unknown_scrambling_names_the_field()
    {
        var spec = new OptimizerSpec("sobol", 0, JsonDocument.Parse("""{"type":"sobol","scramble":"owens"}""").RootElement.Clone());
        var e = Assert.Throws<SpecException>(() => OptimizerFactory.Create(spec, SearchSpaceTests.ValidConditionalSpace(), StudyDirection.Minimize));
        Assert.Contains("optimizer.scramble", e.Message);
        var unknown = new OptimizerSpec("sobol", 0, JsonDocument.Parse("""{"type":"sobol","scrambel":"owen"}""").RootElement.Clone());
        Assert.Contains("optimizer.scrambel", Assert.Throws<SpecException>(() => OptimizerFactory.Create(unknown, SearchSpaceTests.ValidConditionalSpace(), StudyDirection.Minimize)).Message);
    }
}
