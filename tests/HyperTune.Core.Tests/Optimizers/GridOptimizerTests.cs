using System.Collections.Immutable;
using System.Text.Json;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Optimizers.Grid;
using HyperTune.Core.Randomness;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Tests.Optimizers;

public class GridOptimizerTests
{
    private static OptimizerSpec Spec(string json) => new("grid", 3, JsonDocument.Parse(json).RootElement.Clone());

    [Fact]
    public void The_grid_is_the_full_factorial_and_conditional_parameters_vary_only_where_active()
    {
        var space = new SearchSpace(
            new CategoricalParameter("opt", new object[] { "sgd", "adam" }),
            new FloatParameter("m", 0, 1) { Condition = new ParameterCondition("opt", new object[] { "sgd" }) },
            new IntParameter("depth", 1, 3),
            new FloatParameter("lr", 1e-3, 1e-1, Log: true));
        var grid = new GridOptimizer(space, Spec("""{"type":"grid","gridPoints":3}"""));
        // sgd: 3 m * 3 depth * 3 lr = 27; adam: 3 depth * 3 lr = 9
        Assert.Equal(36, grid.Size);
        Assert.Equal(36, grid.Points.Distinct().Count());
        Assert.All(grid.Points, p => Assert.Empty(space.Check(p)));
    }

    [Fact]
    public void Each_point_is_tried_once_and_the_grid_then_reports_exhaustion()
    {
        var space = new SearchSpace(new CategoricalParameter("a", new object[] { 1L, 2L }), new FloatParameter("b", 0, 1, Step: 0.5));
        var grid = OptimizerFactory.Create(Spec("""{"type":"grid","order":"shuffled"}"""), space, StudyDirection.Minimize);
        var trials = ImmutableList<TrialRecord>.Empty;
        for (var n = 0; n < 6; n++)
        {
            var s = grid.Suggest(new TrialHistory(trials, StudyDirection.Minimize), n);
            Assert.NotNull(s);
            // A failed trial still uses its grid point: the grid never proposes it again.
            trials = trials.Add(new TrialRecord(n, n == 2 ? TrialState.Failed : TrialState.Complete, s!.Params) { Attributes = s.Attributes, Value = n });
        }
        Assert.Equal(6, trials.Select(t => t.Params).Distinct().Count());
        Assert.Null(grid.Suggest(new TrialHistory(trials, StudyDirection.Minimize), 6));
    }

    [Fact]
    public void A_running_trial_reserves_its_point_so_parallel_workers_get_different_points()
    {
        var space = new SearchSpace(new IntParameter("a", 0, 9));
        var grid = new GridOptimizer(space, Spec("""{"type":"grid"}"""));
        var first = grid.Suggest(TrialHistory.Empty(StudyDirection.Minimize), 0)!;
        var running = new TrialRecord(0, TrialState.Running, first.Params) { Attributes = first.Attributes };
        var second = grid.Suggest(new TrialHistory(new[] { running }, StudyDirection.Minimize), 1)!;
        Assert.NotEqual(first.Params, second.Params);
    }

    [Fact]
    public void A_too_large_grid_is_refused_before_the_study_starts()
    {
        var space = new SearchSpace(Enumerable.Range(0, 8).Select(i => (Parameter)new FloatParameter($"x{i}", 0, 1)));
        var e = Assert.Throws<SpecException>(() => new GridOptimizer(space, Spec("""{"type":"grid","gridPoints":10,"maxPoints":1000}""")));
        Assert.Equal("optimizer.maxPoints", e.Path);
    }
    [Fact]
    public void Counting_the_grid_gives_its_size_for_nested_conditions_repeated_values_and_shared_parents()
    {
        var space = new SearchSpace(
            new CategoricalParameter("opt", new object[] { "sgd", "adam", "rms" }),
            new CategoricalParameter("sched", new object[] { "step", "cos" }) { Condition = new ParameterCondition("opt", new object[] { "sgd", "sgd", "adam" }) },
            new IntParameter("every", 1, 4) { Condition = new ParameterCondition("sched", new object[] { "step" }) },
            new FloatParameter("m", 0, 1, Step: 0.25) { Condition = new ParameterCondition("opt", new object[] { "sgd" }) },
            new IntParameter("depth", 1, 3));
        var grid = new GridOptimizer(space, Spec("""{"type":"grid","gridPoints":3}"""));
        // every: 3 grid points of [1, 4]. sgd: (3 every + 1 cos) * 5 m = 20; adam: 4; rms: 1; times 3 depths.
        Assert.Equal(75, grid.Size);
        Assert.Equal(grid.Size, GridOptimizer.CountPoints(space, 3));
    }

    [Fact]
    public void A_grid_larger_than_max_points_is_refused_without_being_enumerated()
    {
        // 10^18 points: enumerating even a million of them before refusing took seconds and much memory.
        var space = new SearchSpace(new IntParameter("a", 0, 999_999_999, IntStep: 1), new IntParameter("b", 0, 999_999_999, IntStep: 1));
        Assert.Equal(1_000_000_000_000_000_000L, GridOptimizer.CountPoints(space, 10));
        var e = Assert.Throws<SpecException>(() => new GridOptimizer(space, Spec("""{"type":"grid"}""")));
        Assert.Equal("optimizer.maxPoints", e.Path);
        Assert.Contains("the grid has 1000000000000000000 points, more than 1000000", e.Message);
    }
    [Theory]
    [InlineData("sequential")]
    [InlineData("shuffled")]
    public void An_unconditional_grid_computes_its_points_in_the_order_a_listed_grid_had(string order)
    {
        var space = new SearchSpace(
            new CategoricalParameter("opt", new object[] { "sgd", "adam", "rms" }),
            new IntParameter("depth", 1, 4),
            new FloatParameter("lr", 1e-3, 1e-1, Log: true));
        var grid = new GridOptimizer(space, Spec($$"""{"type":"grid","gridPoints":3,"order":"{{order}}"}"""));
        // The listing the grid used to hold: the first parameter varies slowest, then the seed's shuffle.
        var listed = (
            from opt in space["opt"].GridValues(3)
            from depth in space["depth"].GridValues(3)
            from lr in space["lr"].GridValues(3)
            select Configuration.From(new Dictionary<string, object> { ["opt"] = opt, ["depth"] = depth, ["lr"] = lr }))
            .ToList();
        if (order == "shuffled")
            SeededRandom.Derive(3, SeededRandom.StableHash("grid.order")).Shuffle(listed);
        Assert.Equal(27, grid.Size);
        Assert.Equal(listed, grid.Points);
    }

    [Fact]
    public void A_grid_over_a_thousand_parameters_is_not_listed_in_memory()
    {
        // 524,288 points of 1,000 values each: listing them would take about 10 GB.
        var space = new SearchSpace(Enumerable.Range(0, 1000).Select(i =>
            (Parameter)new IntParameter($"x{i:D4}", 0, i < 19 ? 1 : 0)));
        var grid = new GridOptimizer(space, Spec("""{"type":"grid","order":"shuffled"}"""));
        Assert.Equal(524_288, grid.Size);
        var first = grid.Suggest(TrialHistory.Empty(StudyDirection.Minimize), 0)!;
        Assert.Equal(1000, first.Params.Count);
        Assert.Empty(space.Check(first.Params));
        Assert.Equal(grid.Points[0], first.Params);
    }

    [Fact]
    public void A_conditional_grid_too_large_to_hold_in_memory_is_refused()
    {
        var parameters = new List<Parameter>
        {
            new CategoricalParameter("opt", new object[] { "sgd", "adam" }),
            new FloatParameter("m", 0, 1, Step: 0.5)
            {
                Condition = new ParameterCondition("opt", new object[] { "sgd" }),
            },
        };
        // (3 values of m for sgd + 1 for adam) * 2^17 = 524,288 points of up to 140 parameters: over 20,000,000 values.
        parameters.AddRange(Enumerable.Range(0, 138)
            .Select(i => (Parameter)new IntParameter($"x{i:D3}", 0, i < 17 ? 1 : 0)));
        var space = new SearchSpace(parameters);
        var e = Assert.Throws<SpecException>(() => new GridOptimizer(space, Spec("""{"type":"grid"}""")));
        Assert.Equal("optimizer", e.Path);
        Assert.Contains("524288 points of up to 140 parameters is more than 20000000 values", e.Message);
    }
}
