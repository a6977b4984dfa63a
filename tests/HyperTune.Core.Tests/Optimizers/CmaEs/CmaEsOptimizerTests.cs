using System.Collections.Immutable;
using System.Text.Json;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Optimizers.CmaEs;
using HyperTune.Core.Randomness;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Tests.Optimizers.CmaEs;

public class CmaEsOptimizerTests
{
    private static OptimizerSpec Spec(string json = "{}", long seed = 7)
    {
        using var doc = JsonDocument.Parse(json);
        var fields = doc.RootElement.EnumerateObject().Select(p => $"\"{p.Name}\":{p.Value.GetRawText()}");
        return new OptimizerSpec("cmaes", seed, JsonDocument.Parse("{\"type\":\"cmaes\"" + string.Concat(fields.Select(f => "," + f)) + "}").RootElement.Clone());
    }

    private static SearchSpace Box(int dimension, double low = -5, double high = 5) =>
        new(Enumerable.Range(0, dimension).Select(i => (Parameter)new FloatParameter($"x{i}", low, high)));

    // A shifted sphere: its minimum 0 is away from the centre of the box, so starting there is no free win.
    private static double ShiftedSphere(Configuration c) =>
        c.Keys.Select((k, i) => Math.Pow(c.GetDouble(k) - (1.3 - 0.6 * i), 2)).Sum();

    [Fact]
    public void Samples_stay_in_a_space_of_floats_ints_and_log_scales()
    {
        var space = new SearchSpace(
            new FloatParameter("lr", 1e-5, 1e-1, Log: true),
            new IntParameter("depth", 1, 12),
            new IntParameter("width", 8, 1024, Log: true),
            new FloatParameter("dropout", 0, 0.5, Step: 0.05),
            new FloatParameter("momentum", 0.5, 0.99));
        var optimizer = new CmaEsOptimizer(space, Spec("""{"sigma0": 0.6}"""));
        // Pulls towards a corner so samples press on the bounds.
        var history = OptimizationLoop.Run(optimizer, c => -Math.Log(c.GetDouble("lr")) + c.GetDouble("depth") - c.GetDouble("momentum"), 80, pending: 3);
        Assert.Equal(80, history.Trials.Count);
        Assert.All(history.Trials, t => Assert.Empty(space.Check(t.Params)));
        Assert.Contains(history.Trials, t => t.Attributes.ContainsKey(CmaEsAttributes.Generation));
    }

    [Fact]
    public void A_shifted_quadratic_is_optimized_far_better_than_random_search()
    {
        var space = Box(4);
        var cma = new List<double>();
        var random = new List<double>();
        for (var seed = 0; seed < 3; seed++)
        {
            cma.Add(OptimizationLoop.Run(new CmaEsOptimizer(space, Spec(seed: seed)), ShiftedSphere, 80).Best!.Value!.Value);
            random.Add(OptimizationLoop.Run(OptimizerFactory.Create(OptimizerSpec.Of("random", seed), space, StudyDirection.Minimize), ShiftedSphere, 80).Best!.Value!.Value);
        }
        cma.Sort();
        random.Sort();
        Assert.True(cma[1] < random[1] / 20, $"cmaes median {cma[1]}, random median {random[1]}");
    }

    [Fact]
    public void Maximizing_works_on_the_negated_metric()
    {
        var history = OptimizationLoop.Run(new CmaEsOptimizer(Box(3), Spec()), c => -ShiftedSphere(c), 80, StudyDirection.Maximize);
        Assert.True(history.Best!.Value > -0.5, $"best {history.Best.Value}");
    }

    [Fact]
    public void A_fresh_optimizer_given_the_same_history_makes_every_suggestion_again()
    {
        var space = Box(3);
        var recorder = new RecordingOptimizer(new CmaEsOptimizer(space, Spec(seed: 11)));
        // Three trials in flight: generations overlap, so members drawn ahead of time are exercised too.
        OptimizationLoop.Run(recorder, ShiftedSphere, 60, pending: 3);
        Assert.Contains(recorder.Calls, c => c.Suggestion.Attributes.ContainsKey(CmaEsAttributes.Source));
        foreach (var (history, number, suggestion) in recorder.Calls)
        {
            var again = new CmaEsOptimizer(space, Spec(seed: 11)).Suggest(history, number)!;
            Assert.Equal(suggestion.Params, again.Params);
            Assert.Equal(suggestion.Attributes.OrderBy(a => a.Key), again.Attributes.OrderBy(a => a.Key));
        }
        // The optimizer that cached states answers an older history like a fresh one too.
        var (oldHistory, oldNumber, oldSuggestion) = recorder.Calls[25];
        Assert.Equal(oldSuggestion.Params, recorder.Inner.Suggest(oldHistory, oldNumber)!.Params);
    }

    [Fact]
    public void Another_seed_gives_other_suggestions()
    {
        var a = new CmaEsOptimizer(Box(3), Spec(seed: 1)).Suggest(TrialHistory.Empty(StudyDirection.Minimize), 0)!;
        var b = new CmaEsOptimizer(Box(3), Spec(seed: 2)).Suggest(TrialHistory.Empty(StudyDirection.Minimize), 0)!;
        Assert.NotEqual(a.Params, b.Params);
    }

    [Fact]
    public void A_pending_trial_changes_the_suggestion_and_a_generation_can_be_all_pending()
    {
        var optimizer = new CmaEsOptimizer(Box(4), Spec("""{"populationSize": 5}"""));
        var trials = new List<TrialRecord>();
        for (var n = 0; n < 5; n++)
        {
            var s = optimizer.Suggest(new TrialHistory(trials, StudyDirection.Minimize), n)!;
            Assert.Equal("0", s.Attributes[CmaEsAttributes.Generation]);
            Assert.Equal(n.ToString(), s.Attributes[CmaEsAttributes.Index]);
            Assert.DoesNotContain(trials, t => t.Params.Equals(s.Params));
            trials.Add(new TrialRecord(n, TrialState.Running, s.Params) { Attributes = s.Attributes });
        }
        // Every place of generation 0 is taken: the next trial is drawn ahead for generation 1.
        var ahead = optimizer.Suggest(new TrialHistory(trials, StudyDirection.Minimize), 5)!;
        Assert.Equal("1", ahead.Attributes[CmaEsAttributes.Generation]);
        Assert.Equal("0", ahead.Attributes[CmaEsAttributes.Source]);
    }

    [Fact]
    public void Failed_members_do_not_stall_a_generation()
    {
        var space = Box(2);
        var optimizer = new CmaEsOptimizer(space, Spec("""{"populationSize": 4}"""));
        var calls = 0;
        // Every third evaluation fails.
        var history = OptimizationLoop.Run(optimizer, c => ++calls % 3 == 0 ? double.NaN : ShiftedSphere(c), 60, pending: 2);
        Assert.Equal(60, history.Trials.Count);
        Assert.Contains(history.Trials, t => t.State == TrialState.Failed);
        var generations = history.Trials.Select(t => CmaEsAttributes.Read(t, CmaEsAttributes.Generation) ?? -1).ToArray();
        // About 40 completed trials make about 10 generations of 4; a stalled study would stay at generation 0.
        Assert.True(generations.Max() >= 7, $"reached generation {generations.Max()}");
        var states = optimizer.States(history);
        Assert.True(states.Count >= 8);
    }

    [Fact]
    public void The_state_is_advanced_by_the_completed_members_only()
    {
        var optimizer = new CmaEsOptimizer(Box(2), Spec("""{"populationSize": 4}"""));
        var trials = new List<TrialRecord>();
        for (var n = 0; n < 4; n++)
        {
            var s = optimizer.Suggest(new TrialHistory(trials, StudyDirection.Minimize), n)!;
            trials.Add(new TrialRecord(n, TrialState.Complete, s.Params) { Attributes = s.Attributes, Value = ShiftedSphere(s.Params) });
        }
        Assert.Equal(2, optimizer.States(new TrialHistory(trials, StudyDirection.Minimize)).Count);
        // One member failing reopens generation 0: it needs one more completed member.
        trials[2] = trials[2] with { State = TrialState.Failed, Value = null };
        var reopened = new TrialHistory(trials, StudyDirection.Minimize);
        Assert.Single(optimizer.States(reopened));
        var next = optimizer.Suggest(reopened, 4)!;
        Assert.Equal("0", next.Attributes[CmaEsAttributes.Generation]);
        Assert.Equal("4", next.Attributes[CmaEsAttributes.Index]);
    }

    [Fact]
    public void Startup_trials_come_first_and_warm_start_the_mean()
    {
        var space = Box(2);
        // The best 30% of 6 trials, rounded up: the mean of the best two.
        var optimizer = new CmaEsOptimizer(space, Spec("""{"nStartupTrials": 6, "warmStartFraction": 0.3}"""));
        var history = OptimizationLoop.Run(optimizer, ShiftedSphere, 6);
        Assert.All(history.Trials, t => Assert.True(t.Attributes.ContainsKey(CmaEsAttributes.Startup)));
        var encoder = new SpaceEncoder(space);
        var best = history.Trials.OrderBy(t => t.Value).Take(2).Select(t => encoder.Encode(t.Params)).ToArray();
        var state = optimizer.States(history).Single();
        Assert.Equal((best[0][0] + best[1][0]) / 2, state.Mean[0], 12);
        Assert.Equal((best[0][1] + best[1][1]) / 2, state.Mean[1], 12);
        var next = optimizer.Suggest(history, 6)!;
        Assert.Equal("0", next.Attributes[CmaEsAttributes.Generation]);
    }

    [Fact]
    public void Ipop_restarts_with_a_doubled_population_after_convergence()
    {
        var space = Box(2);
        var optimizer = new CmaEsOptimizer(space, Spec("""{"populationSize": 4, "tolX": 1e-3, "restartStrategy": "ipop"}"""));
        var history = OptimizationLoop.Run(optimizer, ShiftedSphere, 250);
        var runs = history.Trials.GroupBy(t => CmaEsAttributes.Read(t, CmaEsAttributes.Run)).ToDictionary(g => g.Key ?? -1, g => g.ToList());
        Assert.True(runs.ContainsKey(1), "no restart happened");
        int MembersPerGeneration(int run) => runs[run].GroupBy(t => CmaEsAttributes.Read(t, CmaEsAttributes.Generation)).First().Count();
        Assert.Equal(4, MembersPerGeneration(0));
        Assert.Equal(8, MembersPerGeneration(1));
    }

    [Fact]
    public void Without_a_restart_strategy_one_run_goes_on()
    {
        var optimizer = new CmaEsOptimizer(Box(2), Spec("""{"populationSize": 4, "tolX": 1e-3, "restartStrategy": "none"}"""));
        var history = OptimizationLoop.Run(optimizer, ShiftedSphere, 150);
        Assert.All(history.Trials, t => Assert.Equal(0, CmaEsAttributes.Read(t, CmaEsAttributes.Run)));
    }

    [Fact]
    public void Integer_parameters_keep_moving_and_reach_the_optimum()
    {
        var space = new SearchSpace(Enumerable.Range(0, 3).Select(i => (Parameter)new IntParameter($"k{i}", 0, 40)));
        double F(Configuration c) => c.Keys.Select((k, i) => Math.Pow(c.GetDouble(k) - (9 + 7 * i), 2)).Sum();
        var optimizer = new CmaEsOptimizer(space, Spec("""{"restartStrategy": "none"}""", seed: 3));
        var history = OptimizationLoop.Run(optimizer, F, 150);
        Assert.Equal(0, history.Best!.Value);
        // Long after convergence the margin still proposes neighbouring integers instead of one point forever.
        Assert.True(history.Trials.Skip(110).Select(t => t.Params).Distinct().Count() > 1);
    }

    [Fact]
    public void The_integer_margin_stretches_a_collapsed_integer_coordinate()
    {
        var space = new SearchSpace(new IntParameter("k", 0, 10), new FloatParameter("x", 0, 1), new FloatParameter("s", 0, 1, Step: 0.1));
        var settings = CmaEsSettings.Read(Spec());
        var sampler = new CmaEsSampler(space, settings);
        var run = CmaEsRestarts.First(4, 1e-4);
        var state = CmaEsState.Start(run, new CmaEsParameters(3, 4, true, 4), new[] { 0.5, 0.5, 0.5 }, 1e-4);
        var scale = sampler.MarginScale(state);
        Assert.True(scale[0] > 10, $"integer scale {scale[0]}");
        Assert.Equal(1.0, scale[1]);
        Assert.True(scale[2] > 10, $"stepped float scale {scale[2]}");
        var disabled = new CmaEsSampler(space, settings with { IntegerMargin = 0 });
        Assert.Equal(1.0, disabled.MarginScale(state)[0]);

        // At the end of the range there is no neighbour below: only the one above counts.
        var atLow = CmaEsState.Start(run, new CmaEsParameters(3, 4, true, 4), new[] { 0.01, 0.5, 0.5 }, 1e-4);
        var lowScale = sampler.MarginScale(atLow)[0];
        var cellTop = space.Parameters[0] is IntParameter k ? k.ToUnit(0.5) : 0;
        var z = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 1 - 1.0 / (3 * 4) / 2);
        Assert.Equal((cellTop - 0.01) / z / atLow.CoordinateDeviation(0), lowScale, 6);
    }

    [Fact]
    public void Categorical_and_conditional_parameters_are_refused_naming_the_optimizer_type()
    {
        var categorical = new SearchSpace(new FloatParameter("x", 0, 1), new CategoricalParameter("opt", new object[] { "sgd", "adam" }));
        var e = Assert.Throws<SpecException>(() => OptimizerFactory.Create(Spec(), categorical, StudyDirection.Minimize));
        Assert.Equal("optimizer.type", e.Path);
        Assert.Contains("'opt'", e.Message);

        var conditional = new SearchSpace(
            new CategoricalParameter("opt", new object[] { "sgd" }),
            new FloatParameter("m", 0, 1) { Condition = new ParameterCondition("opt", new object[] { "sgd" }) });
        Assert.Equal("optimizer.type", Assert.Throws<SpecException>(() => new CmaEsOptimizer(conditional, Spec())).Path);
    }

    [Theory]
    [InlineData("""{"sigma0": 0}""", "optimizer.sigma0")]
    [InlineData("""{"populationSize": 1}""", "optimizer.populationSize")]
    [InlineData("""{"restartStrategy": "sometimes"}""", "optimizer.restartStrategy")]
    [InlineData("""{"boundHandling": "clip"}""", "optimizer.boundHandling")]
    [InlineData("""{"nStartupTrials": -1}""", "optimizer.nStartupTrials")]
    [InlineData("""{"integerMargin": 0.9}""", "optimizer.integerMargin")]
    [InlineData("""{"alphaCov": 100}""", "optimizer.alphaCov")]
    [InlineData("""{"sigma": 0.3}""", "optimizer.sigma")]
    public void Settings_errors_name_the_field(string settings, string path)
    {
        var e = Assert.Throws<SpecException>(() => new CmaEsOptimizer(Box(2), Spec(settings)));
        Assert.Equal(path, e.Path);
    }

    [Fact]
    public void Settings_are_read()
    {
        var s = CmaEsSettings.Read(Spec("""{"populationSize": 12, "sigma0": 0.3, "restartStrategy": "bipop", "boundHandling": "reflect", "activeCovariance": false, "initialMean": "random"}"""));
        Assert.Equal(12, s.PopulationSize);
        Assert.Equal(0.3, s.Sigma0);
        Assert.Equal(RestartStrategy.Bipop, s.Restart);
        Assert.Equal(BoundHandling.Reflect, s.Bounds);
        Assert.False(s.ActiveCovariance);
        Assert.True(s.RandomInitialMean);
    }

    private sealed class RecordingOptimizer(IOptimizer inner) : IOptimizer
    {
        public IOptimizer Inner { get; } = inner;

        public List<(TrialHistory History, int Number, TrialSuggestion Suggestion)> Calls { get; } = new();

        public OptimizerAnswer Ask(TrialHistory history, int trialNumber)
        {
            var snapshot = new TrialHistory(history.Trials.ToImmutableList(), history.Direction);
            var s = Inner.Suggest(snapshot, trialNumber)!;
            Calls.Add((snapshot, trialNumber, s));
            return s;
        }
    }
}
