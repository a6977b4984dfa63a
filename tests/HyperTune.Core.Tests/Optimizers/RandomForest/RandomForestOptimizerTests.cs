using System.Collections.Immutable;
using System.Text.Json;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Optimizers.RandomForest;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;
using HyperTune.Core.Tests.Spaces;

namespace HyperTune.Core.Tests.Optimizers.RandomForest;

public class RandomForestOptimizerTests
{
    private static IOptimizer Create(SearchSpace space, long seed, string settings = "")
    {
        var json = settings.Length == 0 ? """{"type":"rf"}""" : $$"""{"type":"rf",{{settings}}}""";
        return OptimizerFactory.Create(new OptimizerSpec("rf", seed, JsonDocument.Parse(json).RootElement.Clone()), space, StudyDirection.Minimize);
    }

    private static readonly SearchSpace Cube = new(new FloatParameter("x", -5, 5), new FloatParameter("y", -5, 5), new FloatParameter("z", -5, 5));

    private static double Quadratic(Configuration c) =>
        Math.Pow(c.GetDouble("x") - 1.3, 2) + Math.Pow(c.GetDouble("y") + 2.1, 2) + Math.Pow(c.GetDouble("z") - 0.4, 2);

    [Fact]
    public void Suggestions_stay_in_a_conditional_int_log_categorical_space()
    {
        var space = SearchSpaceTests.ValidConditionalSpace();
        var history = OptimizationLoop.Run(Create(space, 1), c =>
            (c["optimizer"] is "sgd" ? 0 : 1) + Math.Abs(Math.Log10(c.GetDouble("lr")) + 3) + c.GetDouble("layers") / 8, 30, pending: 2);
        Assert.All(history.Trials, t => Assert.Empty(space.Check(t.Params)));
        Assert.Equal(30, history.Trials.Select(t => t.Params).Distinct().Count());
        Assert.Contains(history.Trials, t => t.Attributes[RandomForestOptimizer.PhaseAttribute] == "model");
    }

    [Fact]
    public void A_quadratic_is_optimized_far_better_than_by_random_search()
    {
        var rf = new List<double>();
        var random = new List<double>();
        for (var seed = 0; seed < 5; seed++)
        {
            rf.Add(OptimizationLoop.Run(Create(Cube, seed, "\"randomCandidates\":300"), Quadratic, 60).Best!.Value!.Value);
            random.Add(OptimizationLoop.Run(OptimizerFactory.Create(OptimizerSpec.Of("random", seed), Cube, StudyDirection.Minimize), Quadratic, 60).Best!.Value!.Value);
        }
        var rfMedian = rf.Order().ElementAt(2);
        var randomMedian = random.Order().ElementAt(2);
        Assert.True(rfMedian < randomMedian / 5, $"rf {rfMedian} vs random {randomMedian}");
    }

    [Fact]
    public void The_best_category_and_its_conditional_child_are_found()
    {
        // Only kind = "b" with a small child value is good; the child is inactive otherwise.
        var space = new SearchSpace(
            new CategoricalParameter("kind", new object[] { "a", "b", "c", "d" }),
            new FloatParameter("child", 0, 1) { Condition = new ParameterCondition("kind", new object[] { "b" }) },
            new FloatParameter("x", 0, 1));
        double F(Configuration c) => (c["kind"] is "b" ? c.GetDouble("child") : 1.0) + Math.Abs(c.GetDouble("x") - 0.5);
        var regrets = Enumerable.Range(0, 3).Select(seed => OptimizationLoop.Run(Create(space, seed, "\"randomCandidates\":300"), F, 40).Best!.Value!.Value).Order().ToList();
        Assert.True(regrets[1] < 0.05, string.Join(", ", regrets));
    }

    [Fact]
    public void The_same_seed_and_history_give_the_same_suggestion_also_from_a_fresh_optimizer()
    {
        var optimizer = Create(Cube, 9);
        var history = OptimizationLoop.Run(optimizer, Quadratic, 20);
        var again = optimizer.Suggest(history, 20)!;
        var fresh = Create(Cube, 9).Suggest(history, 20)!;
        Assert.Equal(again.Params, fresh.Params);
        Assert.Equal(again.Attributes, fresh.Attributes);
        var rerun = OptimizationLoop.Run(Create(Cube, 9), Quadratic, 20);
        Assert.Equal(history.Trials.Select(t => (t.Params, t.Value)), rerun.Trials.Select(t => (t.Params, t.Value)));
        Assert.NotEqual(again.Params, Create(Cube, 10).Suggest(history, 20)!.Params);
    }

    [Fact]
    public void Pending_trials_change_the_suggestion_and_parallel_workers_get_distinct_points()
    {
        var optimizer = Create(Cube, 4, "\"randomFraction\":0");
        var history = OptimizationLoop.Run(optimizer, Quadratic, 20);
        var first = optimizer.Suggest(history, 20)!.Params;
        var withPending = new TrialHistory(history.Trials.Append(new TrialRecord(20, TrialState.Running, first)).ToList(), StudyDirection.Minimize);
        var second = optimizer.Suggest(withPending, 21)!.Params;
        Assert.NotEqual(first, second);

        var parallel = OptimizationLoop.Run(Create(Cube, 4), Quadratic, 40, pending: 8);
        Assert.Equal(40, parallel.Trials.Select(t => t.Params).Distinct().Count());
    }

    [Theory]
    [InlineData("\"trees\":0", "optimizer.trees")]
    [InlineData("\"featureFraction\":1.5", "optimizer.featureFraction")]
    [InlineData("\"randomFraction\":-0.1", "optimizer.randomFraction")]
    [InlineData("\"pending\":\"lie\"", "optimizer.pending")]
    [InlineData("\"initialDesign\":\"lhs\"", "optimizer.initialDesign")]
    [InlineData("\"tress\":5", "optimizer.tress")]
    public void Bad_settings_name_the_field(string settings, string field)
    {
        var e = Assert.Throws<SpecException>(() => Create(Cube, 0, settings));
        Assert.Contains(field, e.Message);
    }
}
