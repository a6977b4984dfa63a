using System.Text.Json;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Optimizers.GaussianProcess;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;
using HyperTune.Core.Tests.Spaces;

namespace HyperTune.Core.Tests.Optimizers.GaussianProcess;

public class GaussianProcessOptimizerTests
{
    // Smaller acquisition searches than the defaults keep these tests fast; the behaviour tested is the same.
    private const string Fast = """ "candidates": 200, "perturbationsPerCenter": 20, "localSearchStarts": 2 """;

    private static OptimizerSpec Spec(string settings = "", long seed = 1) =>
        new("gp", seed, JsonDocument.Parse("{\"type\":\"gp\"" + (settings.Length > 0 ? "," + settings : "") + "}").RootElement.Clone());

    private static IOptimizer Create(SearchSpace space, string settings = Fast, long seed = 1) =>
        OptimizerFactory.Create(Spec(settings, seed), space, StudyDirection.Minimize);

    private static SearchSpace Box(int d) => new(Enumerable.Range(0, d).Select(i => (Parameter)new FloatParameter($"x{i}", -5, 5)));

    private static double Quadratic(Configuration c) =>
        c.Sum(kv => Math.Pow(ParameterValues.ToDouble(kv.Value) - 1.3, 2));

    [Fact]
    public void Suggestions_stay_in_a_conditional_space_with_integers_logs_steps_and_categories()
    {
        var space = SearchSpaceTests.ValidConditionalSpace();
        var history = OptimizationLoop.Run(Create(space, Fast + """, "nStartupTrials": 5"""), c =>
        {
            var loss = Math.Pow(Math.Log10(c.GetDouble("lr")) + 3, 2) + Math.Abs(c.GetDouble("layers") - 4) + c.GetDouble("dropout");
            return (string)c["optimizer"] == "sgd" ? loss + 1 - c.GetDouble("momentum") : loss;
        }, 22, pending: 2);
        Assert.Equal(22, history.Trials.Count);
        Assert.All(history.Trials, t => Assert.Empty(space.Check(t.Params)));
        Assert.Contains(history.Trials, t => t.Attributes[GaussianProcessOptimizer.PhaseAttribute] == "model");
        Assert.Equal(history.Trials.Count, history.Trials.Select(t => t.Params).Distinct().Count());
    }

    [Fact]
    public void A_quadratic_is_optimized_far_better_than_by_random_search()
    {
        var space = Box(3);
        double Best(string type, long seed) =>
            OptimizationLoop.Run(type == "gp" ? Create(space, Fast, seed) : OptimizerFactory.Create(OptimizerSpec.Of("random", seed), space, StudyDirection.Minimize),
                Quadratic, 25).Completed.Min(t => t.Value!.Value);
        var gp = new[] { 1L, 2 }.Select(s => Best("gp", s)).Max();
        var random = new[] { 1L, 2 }.Select(s => Best("random", s)).Min();
        Assert.True(gp < 0.01, $"GP best {gp}");
        Assert.True(gp < random / 20, $"GP {gp} vs random {random}");
    }

    [Fact]
    public void The_same_seed_and_history_give_the_same_suggestion_also_from_a_fresh_optimizer()
    {
        var space = Box(2);
        // refitAlwaysUpTo 5 puts the later suggestions between checkpoints, where the long-running optimizer
        // answers from its cache and the fresh one must recompute the same fit.
        const string settings = Fast + """, "refitAlwaysUpTo": 5, "refitGrowth": 0.5""";
        var longRunning = Create(space, settings);
        var history = OptimizationLoop.Run(longRunning, Quadratic, 14);
        var next = longRunning.Suggest(history, 14);
        var fresh = Create(space, settings);
        Assert.Equal(next!.Params, fresh.Suggest(history, 14)!.Params);
        // Asking about an earlier history in between changes nothing either.
        var earlier = new TrialHistory(history.Trials.Take(10).ToList(), StudyDirection.Minimize);
        fresh.Suggest(earlier, 10);
        Assert.Equal(next.Params, fresh.Suggest(history, 14)!.Params);
        Assert.NotEqual(next.Params, Create(space, settings, seed: 2).Suggest(history, 14)!.Params);
    }

    [Fact]
    public void A_fit_on_a_subset_of_the_history_is_the_same_from_a_fresh_optimizer()
    {
        var space = Box(2);
        // hyperparameterFitPoints 10 makes every fit after the tenth trial use a subset of the history.
        const string settings = Fast + """, "hyperparameterFitPoints": 10, "refitAlwaysUpTo": 12, "refitGrowth": 0.3""";
        var longRunning = Create(space, settings);
        var history = OptimizationLoop.Run(longRunning, Quadratic, 22);
        Assert.True(history.Best!.Value < 0.5, $"best {history.Best.Value}");
        var trials = history.Trials.ToList();
        foreach (var m in new[] { 14, 18, 22 })
        {
            var prefix = new TrialHistory(trials.Take(m).ToList(), StudyDirection.Minimize);
            Assert.Equal(longRunning.Suggest(prefix, m)!.Params, Create(space, settings).Suggest(prefix, m)!.Params);
        }
    }

    [Fact]
    public void Pending_trials_change_the_suggestion_and_parallel_workers_get_distinct_points()
    {
        var space = Box(2);
        var optimizer = Create(space);
        var history = OptimizationLoop.Run(optimizer, Quadratic, 12);
        var alone = optimizer.Suggest(history, 12)!;
        var trials = history.Trials.ToList();
        for (var n = 12; n < 18; n++)
        {
            var s = optimizer.Suggest(new TrialHistory(trials, StudyDirection.Minimize), n)!;
            if (n == 13) Assert.NotEqual(alone.Params, s.Params);
            trials.Add(new TrialRecord(n, TrialState.Running, s.Params));
        }
        var pendingPoints = trials.Skip(12).Select(t => t.Params).ToList();
        Assert.Equal(6, pendingPoints.Distinct().Count());
        // Believer fantasies keep the batch from stacking on one spot (without them every worker got the same point
        // up to 1e-13); near the optimum of a quadratic the batch may still refine closely around it.
        var spread = pendingPoints.SelectMany((a, i) => pendingPoints.Skip(i + 1).Select(b => Math.Abs(a.GetDouble("x0") - b.GetDouble("x0")) + Math.Abs(a.GetDouble("x1") - b.GetDouble("x1")))).Min();
        Assert.True(spread > 1e-6, $"closest pair of pending points {spread}");
    }

    [Fact]
    public void With_trials_pending_suggestions_stay_near_the_incumbent_and_sequential_ones_are_unchanged()
    {
        var space = Box(2);
        // No basin escapes: they are not confined, and this test looks at the ordinary suggestions only. A small
        // radius, so that the confinement matters on this easy problem.
        const string settings = Fast + """, "escapeAfter": 0""";
        var optimizer = (GaussianProcessOptimizer)Create(space, settings + """, "pendingTrustRadius": 0.2""");
        var history = OptimizationLoop.Run(optimizer, Quadratic, 16);
        Assert.Equal(0.2, optimizer.Settings.PendingTrustRadius);
        Assert.Equal(GaussianProcessSettings.DefaultPendingTrustRadius, ((GaussianProcessOptimizer)Create(space)).Settings.PendingTrustRadius);
        var unconfined = Create(space, settings + """, "pendingTrustRadius": 0""");
        Assert.Equal(unconfined.Suggest(history, 16)!.Params, optimizer.Suggest(history, 16)!.Params);

        var encoded = new EncodedSearchSpace(space);
        var completed = history.Completed.ToList();
        var inverseLengthScales = optimizer.FitFor(completed.Select(t => encoded.Encode(t.Params)).ToList(),
            completed.Select(t => t.Value!.Value).ToList()).InverseLengthScales();
        var incumbent = encoded.Encode(history.Best!.Params);
        var radius = optimizer.Settings.PendingTrustRadius;
        var trials = history.Trials.ToList();
        var differs = false;
        for (var n = 16; n < 22; n++)
        {
            var current = new TrialHistory(trials, StudyDirection.Minimize);
            var s = optimizer.Suggest(current, n)!;
            if (n > 16)
            {
                var distance = Math.Sqrt(Matern52Kernel.ScaledSquaredDistance(encoded.Encode(s.Params), incumbent, inverseLengthScales));
                Assert.True(distance <= radius + 1e-9, $"trial {n}: {distance} length scales from the incumbent");
                differs |= !s.Params.Equals(unconfined.Suggest(current, n)!.Params);
            }
            trials.Add(new TrialRecord(n, TrialState.Running, s.Params));
        }
        Assert.True(differs, "the confinement never changed a suggestion");
        Assert.Equal(6, trials.Skip(16).Select(t => t.Params).Distinct().Count());
    }

    [Fact]
    public void Sampled_fantasies_give_parallel_workers_distinct_points_deterministically()
    {
        var space = Box(2);
        const string settings = Fast + """, "pendingFantasies": 8""";
        var optimizer = Create(space, settings);
        var history = OptimizationLoop.Run(optimizer, Quadratic, 24, pending: 4);
        Assert.True(history.Best!.Value < 0.5, $"best {history.Best.Value}");
        var trials = history.Trials.ToList();
        var alone = optimizer.Suggest(history, 24)!;
        trials.Add(new TrialRecord(24, TrialState.Running, alone.Params));
        var withPending = new TrialHistory(trials, StudyDirection.Minimize);
        var next = optimizer.Suggest(withPending, 25)!;
        Assert.NotEqual(alone.Params, next.Params);
        Assert.Equal(next.Params, Create(space, settings).Suggest(withPending, 25)!.Params);
    }

    [Fact]
    public void Maximizing_is_minimizing_the_negated_metric()
    {
        var space = Box(2);
        var history = OptimizationLoop.Run(Create(space), c => -Quadratic(c), 20, StudyDirection.Maximize);
        Assert.True(history.Best!.Value > -0.05, $"best {history.Best.Value}");
    }

    [Fact]
    public void A_mixed_space_finds_the_right_category_and_integer()
    {
        var space = new SearchSpace(
            new FloatParameter("lr", 1e-5, 1e-1, Log: true),
            new IntParameter("depth", 1, 12),
            new CategoricalParameter("opt", new object[] { "sgd", "adam", "rmsprop" }));
        var history = OptimizationLoop.Run(Create(space), c =>
        {
            var a = Math.Log10(c.GetDouble("lr")) + 2.5;
            return a * a + 0.05 * Math.Pow(c.GetDouble("depth") - 7, 2) + ((string)c["opt"] == "adam" ? 0 : 0.2);
        }, 30);
        var best = history.Best!.Params;
        Assert.Equal("adam", best["opt"]);
        Assert.InRange((long)best["depth"], 6, 8);
        Assert.True(history.Best.Value < 0.06, $"best {history.Best.Value}");
    }

    [Theory]
    [InlineData("""{"type":"gp","acquisition":"eii"}""", "optimizer.acquisition")]
    [InlineData("""{"type":"gp","nStartupTrials":0}""", "optimizer.nStartupTrials")]
    [InlineData("""{"type":"gp","xi":-1}""", "optimizer.xi")]
    [InlineData("""{"type":"gp","ucbBeta":"big"}""", "optimizer.ucbBeta")]
    [InlineData("""{"type":"gp","initialDesign":"lhs"}""", "optimizer.initialDesign")]
    [InlineData("""{"type":"gp","outputTransform":"log"}""", "optimizer.outputTransform")]
    [InlineData("""{"type":"gp","candidate":100}""", "optimizer.candidate")]
    [InlineData("""{"type":"gp","hyperparameterFitPoints":5}""", "optimizer.hyperparameterFitPoints")]
    [InlineData("""{"type":"gp","pendingFantasies":-1}""", "optimizer.pendingFantasies")]
    [InlineData("""{"type":"gp","pendingTrustRadius":-1}""", "optimizer.pendingTrustRadius")]
    public void Invalid_settings_are_rejected_naming_the_field(string json, string path)
    {
        var spec = new OptimizerSpec("gp", 0, JsonDocument.Parse(json).RootElement.Clone());
        var e = Assert.Throws<SpecException>(() => OptimizerFactory.Create(spec, Box(2), StudyDirection.Minimize));
        Assert.Equal(path, e.Path);
    }

    [Fact]
    public void Every_acquisition_function_works()
    {
        foreach (var acquisition in new[] { "ei", "logei", "pi", "ucb" })
        {
            var history = OptimizationLoop.Run(Create(Box(2), Fast + $", \"acquisition\": \"{acquisition}\", \"xi\": 0.01, \"ucbBeta\": 2"), Quadratic, 16);
            Assert.True(history.Best!.Value < 1.0, $"{acquisition}: best {history.Best.Value}");
        }
    }

    [Fact]
    public void Settings_have_documented_defaults()
    {
        var optimizer = (GaussianProcessOptimizer)OptimizerFactory.Create(Spec(), Box(3), StudyDirection.Minimize);
        Assert.Equal(AcquisitionKind.LogExpectedImprovement, optimizer.Settings.Acquisition);
        Assert.Equal(OutputTransformKind.Power, optimizer.Settings.OutputTransform);
        Assert.Equal(GaussianProcessSettings.DefaultStartupTrials(Box(3)), optimizer.Settings.StartupTrials);
        Assert.Equal("stratified", optimizer.Settings.InitialDesign);
        Assert.True(optimizer.Settings.BranchNeighbours);
    }

    [Fact]
    public void A_conditional_space_standardizes_losses_and_has_no_pending_trust_region_unless_the_spec_says_so()
    {
        GaussianProcessSettings Read(string settings) => ((GaussianProcessOptimizer)OptimizerFactory.Create(
            Spec(settings), TrapAndNarrowBranch, StudyDirection.Minimize)).Settings;
        Assert.Equal(OutputTransformKind.Standardize, Read("").OutputTransform);
        Assert.Equal(OutputTransformKind.Power, Read("""  "outputTransform": "power" """).OutputTransform);
        // Nor does it confine suggestions made while trials are pending to the incumbent's branch.
        Assert.Equal(0, Read("").PendingTrustRadius);
        Assert.Equal(1, Read("""  "pendingTrustRadius": 1 """).PendingTrustRadius);
    }

    [Fact]
    public void A_conditional_space_is_not_left_on_the_branch_that_looked_good_first()
    {
        // The narrow branch holds the optimum (0.05); the wide one a trap at 0.06 along a long valley that keeps
        // giving small improvements. With the power transform (the default on plain spaces) 12 of 40 studies of this
        // budget found the narrow branch's optimum (docs/experiments/conditional-gp.md).
        foreach (var seed in new[] { 1L, 2, 3, 4 })
        {
            var history = OptimizationLoop.Run(Create(TrapAndNarrowBranch, Fast, seed), TrapAndNarrowBranchLoss, 40);
            var best = history.Completed.MinBy(t => t.Value!.Value)!;
            Assert.True(best.Value < 0.06, $"seed {seed}: best {best.Value} on branch {best.Params["kind"]}");
        }
    }

    [Fact]
    public void A_stalled_search_tries_the_runner_up_branchs_best_one_integer_step_in()
    {
        // Branch a holds the best trial (#0) and nothing has improved on it since; branch b's best (#12) sits at the
        // edge of its integer range. An escape turn (an even trial number after the stall) tries n = 2 there first.
        var space = new SearchSpace(
            new CategoricalParameter("kind", new object[] { "a", "b" }),
            new FloatParameter("x", 0, 1) { Condition = When("kind", "a") },
            new FloatParameter("u", 0, 1) { Condition = When("kind", "b") },
            new IntParameter("n", 1, 6) { Condition = When("kind", "b") });
        var trials = new List<TrialRecord>();
        void Add(double value, params (string Name, object Value)[] values) => trials.Add(
            new TrialRecord(trials.Count, TrialState.Complete,
                Configuration.From(values.ToDictionary(v => v.Name, v => v.Value))) { Value = value });
        for (var i = 0; i < 12; i++) Add(0.06 + 0.01 * i, ("kind", "a"), ("x", 0.05 + 0.08 * i));
        Add(0.09, ("kind", "b"), ("u", 0.3), ("n", 1L));
        Add(0.5, ("kind", "b"), ("u", 0.8), ("n", 6L));
        Add(0.2, ("kind", "b"), ("u", 0.1), ("n", 1L));
        Add(0.4, ("kind", "b"), ("u", 0.55), ("n", 5L));
        var history = new TrialHistory(trials, StudyDirection.Minimize);

        var step = Create(space).Ask(history, trials.Count).Suggestion!;
        Assert.Equal("branch-neighbour", step.Attributes[GaussianProcessOptimizer.PhaseAttribute]);
        var expected = new Dictionary<string, object> { ["kind"] = "b", ["u"] = 0.3, ["n"] = 2L };
        Assert.Equal(Configuration.From(expected), step.Params);

        var off = Create(space, Fast + """, "branchNeighbours": false""").Ask(history, trials.Count).Suggestion!;
        Assert.NotEqual("branch-neighbour", off.Attributes[GaussianProcessOptimizer.PhaseAttribute]);
        // Once that neighbour is tried, the next escape turn has none left there and escapes as before.
        trials.Add(new TrialRecord(trials.Count, TrialState.Complete, step.Params) { Value = 0.3 });
        trials.Add(new TrialRecord(trials.Count, TrialState.Complete, off.Params) { Value = 0.3 });
        var after = Create(space).Ask(new TrialHistory(trials, StudyDirection.Minimize), trials.Count).Suggestion!;
        Assert.NotEqual("branch-neighbour", after.Attributes[GaussianProcessOptimizer.PhaseAttribute]);
    }

    private static readonly SearchSpace TrapAndNarrowBranch = new(
        new CategoricalParameter("kind", new object[] { "wide", "narrow", "flat" }),
        new FloatParameter("a", 1e-3, 1e3, Log: true) { Condition = When("kind", "wide") },
        new FloatParameter("b", 1e-3, 1e3, Log: true) { Condition = When("kind", "wide") },
        new FloatParameter("u", 1e-5, 1e1, Log: true) { Condition = When("kind", "narrow") },
        new FloatParameter("v", 1e-5, 1e1, Log: true) { Condition = When("kind", "narrow") },
        new IntParameter("n", 1, 50) { Condition = When("kind", "flat") });

    private static ParameterCondition When(string parent, string value) => new(parent, new object[] { value });

    private static double TrapAndNarrowBranchLoss(Configuration c)
    {
        static double Sq(double x) => x * x;
        double Log(string name) => Math.Log10(c.GetDouble(name));
        return (string)c["kind"] switch
        {
            "wide" => 0.06 + 0.4 * Sq(Log("a") + 1.2 + 0.5 * (Log("b") - 1)) + 0.02 * Sq(Log("b") - 1.5),
            "narrow" => 0.05 + 0.3 * Sq(Log("u") + 3.7) + 0.4 * Sq(Log("v") + 0.8),
            _ => 0.12 + 0.001 * Math.Abs(c.GetDouble("n") - 20),
        };
    }
}
