using System.Collections.Immutable;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Randomness;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Tests.Schedulers;

/// <summary>
/// Every scheduler, driven by random search on noisy learning curves with one or several slots: the simulation
/// asserts the lifecycle contract as it goes (no Wait with nothing running, resumes only of paused trials, never
/// twice from a step, never past the end, prunes only of paused trials) and that the study terminates; these tests
/// add that the outcome is deterministic and that every decision is a function of the history alone.
/// </summary>
public class SchedulerPropertyTests
{
    private const long Steps = 27;

    public static TheoryData<string, int> Setups()
    {
        string[] specs =
        [
            """{"type": "none"}""",
            """{"type": "median", "startupTrials": 3, "warmupSteps": 2}""",
            """{"type": "percentile", "percentile": 30, "startupTrials": 2, "interval": 3}""",
            """{"type": "threshold", "upper": 1.5}""",
            """{"type": "patience", "patience": 4, "minDelta": 0.01, "pruner": {"type": "median"}}""",
            """{"type": "asha", "maxResource": 27}""",
            """{"type": "asha", "maxResource": 27, "reductionFactor": 2, "minEarlyStoppingRate": 1}""",
            """{"type": "successive-halving", "maxResource": 27}""",
            """{"type": "successive-halving", "maxResource": 27, "bracketSize": 7}""",
            """{"type": "successive-halving"}""",
            """{"type": "hyperband", "maxResource": 27}""",
            """{"type": "hyperband", "maxResource": 27, "synchronous": true}""",
        ];
        var data = new TheoryData<string, int>();
        foreach (var spec in specs)
        foreach (var parallelism in new[] { 1, 3, 8 })
            data.Add(spec, parallelism);
        return data;
    }

    private static ITrialScheduler Scheduler(string json)
    {
        var e = System.Text.Json.JsonDocument.Parse(json).RootElement.Clone();
        var spec = new SchedulerSpec(e.GetProperty("type").GetString()!, e);
        return SchedulerFactory.Create(spec, StudyDirection.Minimize);
    }

    private static readonly SearchSpace Space = new(new FloatParameter("a", 0, 1), new FloatParameter("b", 0, 1));

    // A learning curve with noise that depends only on the configuration and the step.
    private static double Curve(Configuration c, long step)
    {
        var a = c.GetDouble("a");
        var b = c.GetDouble("b");
        var noise = SeededRandom.Derive(SeededRandom.StableHash($"{a:R}/{b:R}"), step).NextDouble() * 0.05;
        return a + (1 + b - a) * Math.Exp(-step / (3 + 10 * b)) + noise;
    }

    private static SchedulerSimulation Simulate(string json, int parallelism, long seed = 3)
    {
        var optimizer = OptimizerFactory.Create(OptimizerSpec.Of("random", seed), Space, StudyDirection.Minimize);
        var sim = new SchedulerSimulation(optimizer, Scheduler(json), Curve, Steps, maxTrials: 40, parallelism);
        sim.Run();
        return sim;
    }

    [Theory]
    [MemberData(nameof(Setups))]
    public void Every_scheduler_terminates_within_the_budget_and_trains_each_step_once(string json, int parallelism)
    {
        var sim = Simulate(json, parallelism);
        var history = sim.History;
        Assert.InRange(history.Trials.Count, 1, 40);
        Assert.All(history.Trials, t => Assert.True(t.State.IsFinished(), $"trial {t.Number} is {t.State}"));
        Assert.All(history.Trials, t => Assert.Equal(
            Enumerable.Range(1, t.Intermediate.Count).Select(i => (long)i), t.Intermediate.Select(iv => iv.Step)));
        Assert.Equal(history.Trials.Sum(t => t.Intermediate.Count), sim.StepsSpent);
        // A complete trial trained to the end; nothing else did.
        Assert.All(history.Trials,
            t => Assert.Equal(t.State == TrialState.Complete, t.LastIntermediate!.Step == Steps));
        Assert.NotNull(history.Best);
    }

    [Theory]
    [MemberData(nameof(Setups))]
    public void A_study_is_deterministic_for_its_settings_and_seed(string json, int parallelism)
    {
        var a = Simulate(json, parallelism).History;
        var b = Simulate(json, parallelism).History;
        Assert.Equal(Describe(a), Describe(b));
    }

    [Theory]
    [MemberData(nameof(Setups))]
    public void Decisions_depend_on_the_history_alone(string json, int parallelism)
    {
        // Cut the finished study back at random points (each trial keeps a random prefix of its reports) and ask
        // a scheduler that has seen many other histories and a fresh one: they must agree.
        var full = Simulate(json, parallelism).History;
        var used = Scheduler(json);
        var random = new SeededRandom(17);
        for (var round = 0; round < 30; round++)
        {
            var trials = full.Trials.Select(t =>
            {
                var keep = 1 + random.NextInt(t.Intermediate.Count);
                var running = keep < t.Intermediate.Count;
                return t with
                {
                    Intermediate = t.Intermediate.Take(keep).ToImmutableList(),
                    State = running ? TrialState.Running : t.State,
                    Value = running ? null : t.Value,
                };
            }).ToList();
            var history = new TrialHistory(trials, StudyDirection.Minimize);
            var fresh = Scheduler(json);
            foreach (var t in trials.Where(t => t.State == TrialState.Running))
                Assert.Equal(fresh.OnReport(history, t.Number), used.OnReport(history, t.Number));
            var context = new SchedulerContext(history, round % 2 == 0, 40);
            var x = fresh.OnSlotFree(context);
            var y = used.OnSlotFree(context);
            Assert.Equal((x.Action, x.TrialNumber, x.StopAtStep, x.Reason),
                (y.Action, y.TrialNumber, y.StopAtStep, y.Reason));
            Assert.Equal(x.Prune.ToArray(), y.Prune.ToArray());
            Assert.Equal(x.Attributes.OrderBy(kv => kv.Key), y.Attributes.OrderBy(kv => kv.Key));
            Assert.Equal(fresh.Rungs(history), used.Rungs(history));
        }
    }

    [Theory]
    [InlineData("""{"type": "asha", "maxResource": 27}""")]
    [InlineData("""{"type": "successive-halving", "maxResource": 27}""")]
    [InlineData("""{"type": "hyperband", "maxResource": 27, "synchronous": true}""")]
    public void Halving_spends_less_than_training_every_trial_fully(string json)
    {
        var sim = Simulate(json, 1);
        Assert.True(sim.StepsSpent < sim.History.Trials.Count * Steps,
            $"{sim.StepsSpent} steps for {sim.History.Trials.Count} trials");
        Assert.Contains(sim.History.Trials, t => t.State == TrialState.Pruned);
    }

    private static string Describe(TrialHistory h) => string.Join("\n", h.Trials.Select(t =>
        $"{t.Number} {t.State} {t.Value:R} {t.Intermediate.Count} " +
        string.Join(",", t.Attributes.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}"))));
}
