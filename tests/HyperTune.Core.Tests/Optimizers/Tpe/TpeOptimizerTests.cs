using System.Collections.Immutable;
using System.Text.Json;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Optimizers.Tpe;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Tests.Optimizers.Tpe;

public class TpeOptimizerTests
{
    private static OptimizerSpec Spec(string json, long seed = 1) => new("tpe", seed, JsonDocument.Parse(json).RootElement.Clone());

    private static TpeOptimizer Tpe(SearchSpace space, string json = """{"type":"tpe"}""", long seed = 1) => new(space, Spec(json, seed));

    /// <summary>A space with every kind of parameter, two of them conditional on a categorical parent.</summary>
    private static SearchSpace MixedConditionalSpace() => new(
        new CategoricalParameter("opt", new object[] { "sgd", "adam", "rmsprop" }),
        new FloatParameter("momentum", 0, 0.99) { Condition = new ParameterCondition("opt", new object[] { "sgd" }) },
        new IntParameter("warmup", 0, 50, IntStep: 5) { Condition = new ParameterCondition("opt", new object[] { "sgd", "rmsprop" }) },
        new FloatParameter("lr", 1e-5, 1e-1, Log: true),
        new IntParameter("batch", 8, 1024, Log: true),
        new IntParameter("depth", 1, 12),
        new FloatParameter("dropout", 0, 0.5, Step: 0.05),
        new CategoricalParameter("bn", new object[] { true, false }));

    private static double MixedObjective(Configuration c)
    {
        var loss = Math.Pow(Math.Log10(c.GetDouble("lr")) + 3, 2) + 0.01 * Math.Pow(c.GetDouble("depth") - 6, 2)
                   + Math.Pow(c.GetDouble("dropout") - 0.2, 2) + Math.Pow(Math.Log2(c.GetDouble("batch")) - 6, 2) / 10;
        loss += (string)c["opt"] switch
        {
            "sgd" => 0.2 * Math.Pow(c.GetDouble("momentum") - 0.9, 2) + 0.001 * c.GetDouble("warmup"),
            "adam" => 0.1,
            _ => 0.3 + 0.001 * c.GetDouble("warmup"),
        };
        return loss + ((bool)c["bn"] ? 0 : 0.05);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Suggestions_stay_in_a_space_with_conditional_integer_log_stepped_and_categorical_parameters(bool multivariate)
    {
        var space = MixedConditionalSpace();
        var tpe = Tpe(space, $$"""{"type":"tpe","multivariate":{{(multivariate ? "true" : "false")}},"nStartupTrials":5}""");
        var history = OptimizationLoop.Run(tpe, MixedObjective, 60, pending: 3);
        Assert.Equal(60, history.Trials.Count);
        // Every configuration is legal: values in range and on their steps, conditional parameters present exactly
        // when their condition holds (Check reports missing and inactive parameters alike).
        Assert.All(history.Trials, t => Assert.Empty(space.Check(t.Params)));
        Assert.Contains(history.Trials, t => t.Params.ContainsKey("warmup"));
    }

    [Fact]
    public void A_conditional_parameter_is_learned_from_the_trials_where_it_was_active()
    {
        var space = MixedConditionalSpace();
        var history = OptimizationLoop.Run(Tpe(space), MixedObjective, 120);
        // The best branch is sgd with momentum near 0.9; late sgd trials should have found that.
        var lateMomenta = history.Trials.Skip(80).Where(t => t.Params.ContainsKey("momentum")).Select(t => t.Params.GetDouble("momentum")).ToList();
        Assert.NotEmpty(lateMomenta);
        var best = history.Best!;
        Assert.Equal("sgd", best.Params["opt"]);
        Assert.InRange(best.Params.GetDouble("momentum"), 0.7, 0.99);
    }

    private static double Quadratic(Configuration c) =>
        Enumerable.Range(0, 4).Sum(i => Math.Pow(c.GetDouble($"x{i}") - 0.1 * (i + 2), 2));

    private static SearchSpace QuadraticSpace() =>
        new(Enumerable.Range(0, 4).Select(i => (Parameter)new FloatParameter($"x{i}", -1, 1)));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_quadratic_is_optimized_far_better_than_by_random_search(bool multivariate)
    {
        var space = QuadraticSpace();
        var tpeBest = new List<double>();
        var randomBest = new List<double>();
        for (var seed = 0; seed < 5; seed++)
        {
            var tpe = Tpe(space, $$"""{"type":"tpe","multivariate":{{(multivariate ? "true" : "false")}}}""", seed);
            tpeBest.Add(OptimizationLoop.Run(tpe, Quadratic, 60).Best!.Value!.Value);
            var random = OptimizerFactory.Create(OptimizerSpec.Of("random", seed), space, StudyDirection.Minimize);
            randomBest.Add(OptimizationLoop.Run(random, Quadratic, 60).Best!.Value!.Value);
        }
        tpeBest.Sort();
        randomBest.Sort();
        // Medians: random search ends near 0.2 here, TPE several times lower.
        Assert.True(tpeBest[2] * 3 < randomBest[2], $"tpe {tpeBest[2]} vs random {randomBest[2]}");
    }

    [Fact]
    public void Maximizing_finds_the_maximum()
    {
        var space = QuadraticSpace();
        var history = OptimizationLoop.Run(Tpe(space), c => -Quadratic(c), 60, StudyDirection.Maximize);
        Assert.True(history.Best!.Value > -0.05, $"best {history.Best.Value}");
    }

    [Fact]
    public void The_same_seed_and_history_give_the_same_suggestion_also_from_a_fresh_optimizer()
    {
        var space = MixedConditionalSpace();
        var used = Tpe(space, seed: 7);
        var history = OptimizationLoop.Run(used, MixedObjective, 40, pending: 4);
        // The optimizer that produced the history has cached encodings; a fresh one must agree with it exactly.
        var fresh = Tpe(space, seed: 7);
        Assert.Equal(fresh.Suggest(history, 40)!.Params, used.Suggest(history, 40)!.Params);
        Assert.Equal(used.Suggest(history, 40)!.Params, used.Suggest(history, 40)!.Params);
        // Another seed decides differently.
        Assert.NotEqual(Tpe(space, seed: 8).Suggest(history, 40)!.Params, used.Suggest(history, 40)!.Params);
    }

    [Fact]
    public void A_cached_encoding_is_not_reused_when_a_trial_number_comes_back_with_other_parameters()
    {
        var space = QuadraticSpace();
        var a = OptimizationLoop.Run(Tpe(space, seed: 3), Quadratic, 30);
        var b = OptimizationLoop.Run(Tpe(space, seed: 4), Quadratic, 30);
        var optimizer = Tpe(space, seed: 5);
        optimizer.Suggest(a, 30);
        // Same trial numbers, different configurations: the answer must be the fresh one.
        Assert.Equal(Tpe(space, seed: 5).Suggest(b, 30)!.Params, optimizer.Suggest(b, 30)!.Params);
    }

    [Fact]
    public void The_startup_trials_come_from_the_initial_design()
    {
        var space = QuadraticSpace();
        var tpe = Tpe(space, """{"type":"tpe","nStartupTrials":6}""");
        var history = OptimizationLoop.Run(tpe, Quadratic, 6);
        for (var n = 0; n < 6; n++)
            Assert.Equal(HyperTune.Core.Optimizers.Designs.InitialDesign.Point("random", space, 1, n), history.Trials[n].Params);
    }

    [Fact]
    public void Pending_trials_change_the_suggestion()
    {
        var space = QuadraticSpace();
        var tpe = Tpe(space);
        var history = OptimizationLoop.Run(tpe, Quadratic, 30);
        var alone = tpe.Suggest(history, 31)!.Params;
        // The same trial number, but with a pending trial at exactly the point the optimizer would have proposed.
        var withPending = new TrialHistory(history.Trials.Append(new TrialRecord(30, TrialState.Running, alone)).ToList(), StudyDirection.Minimize);
        Assert.NotEqual(alone, tpe.Suggest(withPending, 31)!.Params);
    }

    [Fact]
    public void Eight_parallel_workers_get_eight_different_points_spread_apart_by_the_constant_liar()
    {
        var space = new SearchSpace(new FloatParameter("x", 0, 1), new IntParameter("k", 1, 3));
        double Objective(Configuration c) => Math.Pow(c.GetDouble("x") - 0.3, 2) + (c.GetDouble("k") == 2 ? 0 : 0.5);

        double MeanGap(bool liar)
        {
            var gaps = new List<double>();
            for (var seed = 0; seed < 6; seed++)
            {
                var tpe = Tpe(space, $$"""{"type":"tpe","constantLiar":{{(liar ? "true" : "false")}},"liarWeight":1}""", seed);
                var trials = OptimizationLoop.Run(tpe, Objective, 30).Trials.ToList();
                // Eight workers ask one after another while the earlier asks are still running.
                var batch = new List<Configuration>();
                for (var w = 0; w < 8; w++)
                {
                    var s = tpe.Suggest(new TrialHistory(trials, StudyDirection.Minimize), 30 + w)!;
                    batch.Add(s.Params);
                    trials.Add(new TrialRecord(30 + w, TrialState.Running, s.Params));
                }
                Assert.Equal(8, batch.Distinct().Count());
                var xs = batch.Select(c => c.GetDouble("x")).OrderBy(v => v).ToArray();
                gaps.Add(Enumerable.Range(1, 7).Min(i => xs[i] - xs[i - 1]));
            }
            return gaps.Average();
        }

        // With the liar, the in-flight points repel each other: the closest pair is further apart on average.
        Assert.True(MeanGap(liar: true) > MeanGap(liar: false));
    }

    [Theory]
    [InlineData("""{"type":"tpe","gamma":0}""", "optimizer.gamma")]
    [InlineData("""{"type":"tpe","gamma":1.5}""", "optimizer.gamma")]
    [InlineData("""{"type":"tpe","nEiCandidates":0}""", "optimizer.nEiCandidates")]
    [InlineData("""{"type":"tpe","nStartupTrials":-1}""", "optimizer.nStartupTrials")]
    [InlineData("""{"type":"tpe","priorWeight":-1}""", "optimizer.priorWeight")]
    [InlineData("""{"type":"tpe","multivariate":"yes"}""", "optimizer.multivariate")]
    [InlineData("""{"type":"tpe","bandwidth":"silverman"}""", "optimizer.bandwidth")]
    [InlineData("""{"type":"tpe","weighting":"old"}""", "optimizer.weighting")]
    [InlineData("""{"type":"tpe","initialDesign":"latin"}""", "optimizer.initialDesign")]
    [InlineData("""{"type":"tpe","liarWeight":-0.5}""", "optimizer.liarWeight")]
    [InlineData("""{"type":"tpe","nEiCandidate":24}""", "optimizer.nEiCandidate")]
    public void Invalid_settings_are_rejected_naming_the_field(string json, string path)
    {
        var e = Assert.Throws<SpecException>(() => OptimizerFactory.Create(Spec(json), QuadraticSpace(), StudyDirection.Minimize));
        Assert.Equal(path, e.Path);
    }

    [Fact]
    public void Settings_are_read_with_their_defaults()
    {
        var s = TpeSettings.Read(Spec("""{"type":"tpe","nEiCandidates":48,"multivariate":false,"bandwidth":"scott"}"""));
        Assert.Equal(48, s.NEiCandidates);
        Assert.False(s.Multivariate);
        Assert.Equal(TpeBandwidthRule.Scott, s.EffectiveBandwidth);
        var d = TpeSettings.Read(Spec("""{"type":"tpe"}"""));
        Assert.Equal(new TpeSettings(), d);
        Assert.Equal(10, d.NStartupTrials);
        Assert.Equal(24, d.NEiCandidates);
        Assert.True(d.ConstantLiar);
        Assert.Equal(TpeBandwidthRule.Neighbor, d.EffectiveBandwidth);
    }

    [Fact]
    public void Pruned_trials_rank_below_complete_ones_and_failed_ones_below_them()
    {
        var c = Configuration.Empty;
        var trials = new List<TrialRecord>
        {
            new(0, TrialState.Complete, c) { Value = 5 },
            new(1, TrialState.Pruned, c) { Value = 0.1, Intermediate = ImmutableList.Create(new IntermediateValue(3, 0.1)) },
            new(2, TrialState.Failed, c),
            new(3, TrialState.Running, c),
            new(4, TrialState.Pruned, c) { Value = 7, Intermediate = ImmutableList.Create(new IntermediateValue(1, 0.2), new IntermediateValue(9, 7.0)) },
            new(5, TrialState.Complete, c) { Value = 2 },
            new(6, TrialState.Complete, c) { Value = 2 },
        };
        var ranking = ObservationRanking.Rank(new TrialHistory(trials, StudyDirection.Minimize), includePending: true);
        // Complete by loss (ties by number), then pruned by how far they got, then the failed one (a bad observation:
        // TPE learns where trials fail), then pending.
        Assert.Equal(new[] { 5, 6, 0, 4, 1, 2, 3 }, ranking.Order);
        Assert.Equal(6, ranking.ValuedCount);
        Assert.Equal(new[] { 5, 6, 0, 4, 1, 2 }, ObservationRanking.Rank(new TrialHistory(trials, StudyDirection.Minimize), includePending: false).Order);
    }

    [Fact]
    public void Multivariate_mode_groups_parameters_by_their_activation_condition()
    {
        var groups = ParameterGroup.Build(MixedConditionalSpace(), multivariate: true);
        var names = groups.Select(g => string.Join(",", g.Dimensions.Select(d => d.Parameter.Name))).ToList();
        Assert.Equal(new[] { "opt,lr,batch,depth,dropout,bn", "momentum", "warmup" }, names);
        Assert.Equal(8, ParameterGroup.Build(MixedConditionalSpace(), multivariate: false).Count);
    }
}
