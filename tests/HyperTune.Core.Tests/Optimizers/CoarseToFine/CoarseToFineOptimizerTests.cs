using System.Text.Json;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Optimizers.CoarseToFine;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;
using HyperTune.Core.Tests.Spaces;

namespace HyperTune.Core.Tests.Optimizers.CoarseToFine;

public class CoarseToFineOptimizerTests
{
    private static OptimizerSpec Spec(long seed, string settings = "")
    {
        var json = settings.Length == 0 ? """{"type":"coarse-to-fine"}""" : $$"""{"type":"coarse-to-fine",{{settings}}}""";
        return new OptimizerSpec("coarse-to-fine", seed, JsonDocument.Parse(json).RootElement.Clone());
    }

    private static IOptimizer Create(SearchSpace space, long seed, string settings = "") =>
        OptimizerFactory.Create(Spec(seed, settings), space, StudyDirection.Minimize);

    private static readonly SearchSpace Cube = new(new FloatParameter("x", -5, 5), new FloatParameter("y", -5, 5), new FloatParameter("z", -5, 5));

    private static double Quadratic(Configuration c) =>
        Math.Pow(c.GetDouble("x") - 1.3, 2) + Math.Pow(c.GetDouble("y") + 2.1, 2) + Math.Pow(c.GetDouble("z") - 0.4, 2);

    [Fact]
    public void Suggestions_stay_in_a_conditional_int_log_categorical_space_and_are_distinct()
    {
        var space = SearchSpaceTests.ValidConditionalSpace();
        var history = OptimizationLoop.Run(Create(space, 1, "\"trialsPerRound\":12"), c =>
            (c["optimizer"] is "sgd" ? 0 : 1) + Math.Abs(Math.Log10(c.GetDouble("lr")) + 3) + c.GetDouble("layers") / 8, 48, pending: 3);
        Assert.All(history.Trials, t => Assert.Empty(space.Check(t.Params)));
        Assert.Equal(48, history.Trials.Select(t => t.Params).Distinct().Count());
        Assert.Equal(new[] { "0", "1", "2", "3" }, history.Trials.Select(t => t.Attributes[CoarseToFineOptimizer.RoundAttribute]).Distinct());
    }

    [Fact]
    public void A_quadratic_is_optimized_far_better_than_by_random_search()
    {
        var c2f = new List<double>();
        var random = new List<double>();
        for (var seed = 0; seed < 5; seed++)
        {
            c2f.Add(OptimizationLoop.Run(Create(Cube, seed, "\"trialsPerRound\":12"), Quadratic, 60).Best!.Value!.Value);
            random.Add(OptimizationLoop.Run(OptimizerFactory.Create(OptimizerSpec.Of("random", seed), Cube, StudyDirection.Minimize), Quadratic, 60).Best!.Value!.Value);
        }
        var c2fMedian = c2f.Order().ElementAt(2);
        var randomMedian = random.Order().ElementAt(2);
        Assert.True(c2fMedian < randomMedian / 5, $"coarse-to-fine {c2fMedian} vs random {randomMedian}");
    }

    [Fact]
    public void Refining_rounds_search_shrunken_boxes_around_the_best_trials_with_their_categories()
    {
        var space = new SearchSpace(
            new FloatParameter("x", 0, 1),
            new FloatParameter("lr", 1e-5, 1e-1, Log: true),
            new CategoricalParameter("opt", new object[] { "sgd", "adam", "rmsprop", "adagrad" }));
        var optimizer = new CoarseToFineOptimizer(space, Spec(3, "\"trialsPerRound\":[32,12,12],\"topK\":2,\"shrink\":0.25"));
        // Only "adam" near x = 0.7 is good, so both top trials use adam: round 1 never tries another optimizer.
        var history = OptimizationLoop.Run(optimizer, c => Math.Abs(c.GetDouble("x") - 0.7) + (c["opt"] is "adam" ? 0 : 5), 44);
        var round0 = history.Trials.Take(32).ToList();
        var round1 = history.Trials.Skip(32).ToList();
        Assert.Equal(4, round0.Select(t => t.Params["opt"]).Distinct().Count());
        Assert.All(round1, t => Assert.Equal("adam", t.Params["opt"]));
        var regions = optimizer.Regions(new TrialHistory(round0, StudyDirection.Minimize), 1);
        Assert.Equal(2, regions.Count);
        foreach (var (center, region) in regions)
        {
            var (low, high) = region.Bounds("x");
            Assert.Equal(0.25, high - low, 9);
            Assert.InRange(center.Params.GetDouble("x"), low, high);
            Assert.Equal(new object[] { "adam" }, region.Choices("opt"));
        }
        Assert.All(round1, t =>
        {
            var region = int.Parse(t.Attributes[CoarseToFineOptimizer.RegionAttribute]);
            Assert.True(regions[region].Region.Contains(t.Params));
            Assert.Equal(regions[region].Center.Number.ToString(), t.Attributes[CoarseToFineOptimizer.CenterAttribute]);
        });
    }

    [Fact]
    public void A_recovered_optimizer_continues_identically_and_reads_rounds_from_attributes()
    {
        var optimizer = Create(Cube, 5, "\"trialsPerRound\":10");
        var history = OptimizationLoop.Run(optimizer, Quadratic, 25);
        var fresh = Create(Cube, 5, "\"trialsPerRound\":10");
        Assert.Equal(optimizer.Suggest(history, 25)!.Params, fresh.Suggest(history, 25)!.Params);
        Assert.Equal(optimizer.Suggest(history, 25)!.Attributes, fresh.Suggest(history, 25)!.Attributes);
        Assert.NotEqual(optimizer.Suggest(history, 25)!.Params, Create(Cube, 6, "\"trialsPerRound\":10").Suggest(history, 25)!.Params);

        // A round-1 trial relabelled as round 2 no longer counts among the trials round 2 refines around.
        var best = history.Trials.Where(t => t.Number < 20).OrderBy(t => t.Value).First();
        var relabelled = history.Trials.Select(t => t.Number == best.Number
            ? t with { Attributes = t.Attributes.SetItem(CoarseToFineOptimizer.RoundAttribute, "2") }
            : t).ToList();
        var c2f = (CoarseToFineOptimizer)fresh;
        Assert.Contains(c2f.Regions(history, 2), r => r.Center.Number == best.Number);
        Assert.DoesNotContain(c2f.Regions(new TrialHistory(relabelled, StudyDirection.Minimize), 2), r => r.Center.Number == best.Number);
    }

    [Fact]
    public void Pending_trials_get_different_points_and_change_the_suggestion()
    {
        var space = new SearchSpace(new IntParameter("depth", 1, 6), new CategoricalParameter("c", new object[] { "a", "b" }));
        // A tiny discrete space: refining rounds keep hitting tried points, which must be redrawn.
        var history = OptimizationLoop.Run(Create(space, 2, "\"trialsPerRound\":4,\"topK\":1"), c => Math.Abs(c.GetDouble("depth") - 3), 10, pending: 4);
        Assert.Equal(10, history.Trials.Select(t => t.Params).Distinct().Count());

        var optimizer = Create(Cube, 8, "\"trialsPerRound\":10");
        var done = OptimizationLoop.Run(optimizer, Quadratic, 12);
        var next = optimizer.Suggest(done, 12)!.Params;
        var withPending = new TrialHistory(done.Trials.Append(new TrialRecord(12, TrialState.Running, next)).ToList(), StudyDirection.Minimize);
        Assert.NotEqual(next, optimizer.Suggest(withPending, 13)!.Params);
    }

    [Fact]
    public void The_budget_can_be_split_by_fractions()
    {
        var settings = CoarseToFineSettings.Read(Spec(0, "\"budget\":100,\"roundFractions\":[0.4,0.3,0.3]"));
        Assert.Equal(new[] { 40, 30, 30 }, settings.TrialsPerRound);
        Assert.Equal((0, 39), settings.RoundOf(39));
        Assert.Equal((1, 0), settings.RoundOf(40));
        Assert.Equal((2, 130), settings.RoundOf(200)); // the last round goes on
        Assert.Equal(new[] { 20, 20, 20, 20, 20 }, CoarseToFineSettings.Read(Spec(0, "\"rounds\":5,\"budget\":100")).TrialsPerRound);
    }

    [Theory]
    [InlineData("\"rounds\":0", "optimizer.rounds")]
    [InlineData("\"shrink\":1.5", "optimizer.shrink")]
    [InlineData("\"topK\":0", "optimizer.topK")]
    [InlineData("\"sampler\":\"grid\"", "optimizer.sampler")]
    [InlineData("\"trialsPerRound\":[10,0]", "optimizer.trialsPerRound[1]")]
    [InlineData("\"rounds\":3,\"trialsPerRound\":[10,10]", "optimizer.trialsPerRound")]
    [InlineData("\"budget\":100,\"roundFractions\":[0.7,0.7]", "optimizer.roundFractions")]
    [InlineData("\"budget\":100,\"trialsPerRound\":10", "optimizer.budget")]
    [InlineData("\"topk\":3", "optimizer.topk")]
    public void Bad_settings_name_the_field(string settings, string field)
    {
        var e = Assert.Throws<SpecException>(() => Create(Cube, 0, settings));
        Assert.Contains(field, e.Message);
    }
}
