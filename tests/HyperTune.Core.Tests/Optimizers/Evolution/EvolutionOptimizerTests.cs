using HyperTune.Core.Optimizers;
using HyperTune.Core.Optimizers.Evolution;
using HyperTune.Core.Pareto;
using HyperTune.Core.Randomness;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;
using HyperTune.Core.Tests.Spaces;

namespace HyperTune.Core.Tests.Optimizers.Evolution;

public class EvolutionOptimizerTests
{
    private static EvolutionOptimizer Create(SearchSpace space, string settings, long seed = 3) =>
        (EvolutionOptimizer)OptimizerFactory.Create(new OptimizerSpec("evolution", seed,
            System.Text.Json.JsonDocument.Parse($$"""{"type": "evolution", "seed": {{seed}}, {{settings}}}""").RootElement.Clone()),
            space, StudyDirection.Minimize);

    private static readonly SearchSpace Square = new(new FloatParameter("x", -2, 2), new FloatParameter("y", -2, 2));

    private static double Sphere(Configuration c) => c.GetDouble("x") * c.GetDouble("x") + c.GetDouble("y") * c.GetDouble("y");

    [Fact]
    public void A_generation_is_proposed_as_a_batch_and_the_next_waits_until_every_member_finished()
    {
        var optimizer = Create(Square, "\"populationSize\": 4");
        var trials = new List<TrialRecord>();
        for (var n = 0; n < 4; n++)
        {
            var s = optimizer.Ask(new TrialHistory(trials, StudyDirection.Minimize), n).Suggestion!;
            Assert.Equal("0", s.Attributes[EvolutionOptimizer.GenerationAttribute]);
            Assert.Equal("design", s.Attributes[EvolutionOptimizer.OperatorAttribute]);
            trials.Add(new TrialRecord(n, TrialState.Running, s.Params) { Attributes = s.Attributes });
        }
        // Three finish, one runs: the next generation waits for it.
        for (var n = 0; n < 3; n++) trials[n] = trials[n] with { State = TrialState.Complete, Value = Sphere(trials[n].Params) };
        var answer = optimizer.Ask(new TrialHistory(trials, StudyDirection.Minimize), 4);
        Assert.Equal(OptimizerAnswerKind.Wait, answer.Kind);
        Assert.Contains("generation 0", answer.Reason);
        // A failed member finishes the generation too.
        trials[3] = trials[3] with { State = TrialState.Failed };
        var child = optimizer.Ask(new TrialHistory(trials, StudyDirection.Minimize), 4).Suggestion!;
        Assert.Equal("1", child.Attributes[EvolutionOptimizer.GenerationAttribute]);
        var parents = child.Attributes[EvolutionOptimizer.ParentsAttribute].Split(',').Select(int.Parse).ToArray();
        Assert.All(parents, p => Assert.InRange(p, 0, 3));
        Assert.NotEqual("design", child.Attributes[EvolutionOptimizer.OperatorAttribute]);
    }

    [Fact]
    public void A_fresh_optimizer_given_a_history_cut_mid_generation_proposes_the_same_remaining_members()
    {
        var space = SearchSpaceTests.ValidConditionalSpace();
        var running = Create(space, "\"populationSize\": 6");
        var full = OptimizationLoop.Run(running, c => c.GetDouble("lr") + c.GetDouble("layers"), 40);
        // Cut inside generation 3 (trials 18..23), as a coordinator's journal might end, and ask a new optimizer.
        for (var cut = 19; cut < 24; cut++)
        {
            var prefix = full.Trials.Take(cut).ToList();
            var fresh = Create(space, "\"populationSize\": 6");
            var again = fresh.Ask(new TrialHistory(prefix, StudyDirection.Minimize), cut).Suggestion!;
            Assert.Equal(full.Trials[cut].Params, again.Params);
            Assert.Equal(full.Trials[cut].Attributes, again.Attributes);
        }
        Assert.Equal("3", full.Trials[20].Attributes[EvolutionOptimizer.GenerationAttribute]);
    }

    [Theory]
    [InlineData("\"crossover\": \"sbx\", \"mutation\": \"polynomial\"")]
    [InlineData("\"crossover\": \"uniform\", \"mutation\": \"gaussian\", \"mutationRate\": 1")]
    [InlineData("\"mode\": \"steady-state\", \"selection\": \"truncation\", \"mutationRate\": 0.5")]
    public void Children_always_lie_inside_the_space_with_its_steps_log_bounds_and_conditions(string settings)
    {
        var space = SearchSpaceTests.ValidConditionalSpace();
        var optimizer = Create(space, $"\"populationSize\": 8, {settings}");
        var history = OptimizationLoop.Run(optimizer, c => (string)c["optimizer"] == "sgd" ? c.GetDouble("momentum") : c.GetDouble("lr"), 200);
        Assert.Equal(200, history.Trials.Count);
        foreach (var t in history.Trials) Assert.Empty(space.Check(t.Params));
        // Children did switch branches: the sgd-only parameters appear and disappear with the optimizer choice.
        Assert.Contains(history.Trials.Skip(8), t => (string)t.Params["optimizer"] == "sgd");
        Assert.Contains(history.Trials.Skip(8), t => (string)t.Params["optimizer"] == "adam");
    }

    [Fact]
    public void Variation_operators_keep_unit_values_in_bounds()
    {
        var random = new SeededRandom(1);
        for (var i = 0; i < 10_000; i++)
        {
            var a = random.NextDouble();
            var b = random.NextDouble();
            Assert.InRange(Variation.SimulatedBinary(a, b, 15, random), 0, 1);
            Assert.InRange(Variation.Polynomial(a, 20, random), 0, 1);
        }
    }

    [Fact]
    public void It_minimizes_better_than_random_search_on_a_sphere()
    {
        var evolved = Enumerable.Range(0, 5).Select(seed =>
            OptimizationLoop.Run(Create(Square, "\"populationSize\": 10", seed), Sphere, 150).Best!.Value!.Value).ToList();
        var random = Enumerable.Range(0, 5).Select(seed =>
            OptimizationLoop.Run(OptimizerFactory.Create(OptimizerSpec.Of("random", seed), Square, StudyDirection.Minimize), Sphere, 150)
                .Best!.Value!.Value).ToList();
        Assert.True(evolved.Order().ElementAt(2) < random.Order().ElementAt(2) / 5,
            $"evolution {string.Join(", ", evolved)} against random {string.Join(", ", random)}");
    }

    [Fact]
    public void Steady_state_never_waits_for_a_slow_trial()
    {
        var optimizer = Create(Square, "\"populationSize\": 4, \"mode\": \"steady-state\"");
        var history = OptimizationLoop.Run(optimizer, Sphere, 60, pending: 6);
        Assert.Equal(60, history.Trials.Count);
    }

    [Fact]
    public void With_two_objectives_it_is_nsga2_and_spreads_a_front_wider_than_random_search()
    {
        // f1 = x, f2 = 1 - x + 4 |y|^2 on [0, 1]^5: the front is y = 0, x anywhere, which random draws seldom near.
        var space = new SearchSpace(new[] { "x", "y1", "y2", "y3", "y4" }.Select(n => (Parameter)new FloatParameter(n, 0, 1)));
        var objectives = new[] { new ObjectiveMetric("f1", StudyDirection.Minimize), new ObjectiveMetric("f2", StudyDirection.Minimize) };
        IReadOnlyDictionary<string, double> Evaluate(Configuration c) => new Dictionary<string, double>
        {
            ["f1"] = c.GetDouble("x"),
            ["f2"] = 1 - c.GetDouble("x") + 4 * new[] { "y1", "y2", "y3", "y4" }.Sum(n => c.GetDouble(n) * c.GetDouble(n)),
        };
        double Volume(TrialHistory h) => Hypervolume.Compute(h.ParetoFront.Select(t => h.Losses(t)!), new[] { 1.1, 1.1 });
        var nsga = Volume(OptimizationLoop.Run(Create(space, "\"populationSize\": 20"), Evaluate, 200, objectives, Array.Empty<MetricConstraint>()));
        var random = Volume(OptimizationLoop.Run(OptimizerFactory.Create(OptimizerSpec.Of("random", 3), space, StudyDirection.Minimize),
            Evaluate, 200, objectives, Array.Empty<MetricConstraint>()));
        Assert.True(nsga > random, $"NSGA-II hypervolume {nsga} against random {random}");
    }

    [Fact]
    public void Bad_settings_are_refused_with_the_field_named()
    {
        var e = Assert.Throws<SpecException>(() => Create(Square, "\"populationSize\": 4, \"elitism\": 5"));
        Assert.Equal("optimizer.elitism", e.Path);
        e = Assert.Throws<SpecException>(() => Create(Square, "\"crossover\": \"blend\""));
        Assert.Equal("optimizer.crossover", e.Path);
    }
}
