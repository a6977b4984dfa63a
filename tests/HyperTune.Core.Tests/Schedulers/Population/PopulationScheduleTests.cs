using HyperTune.Core.Optimizers;
using HyperTune.Core.Schedulers.Population;
using HyperTune.Core.Simulation;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Tests.Schedulers.Population;

public class PopulationScheduleTests
{
    private static readonly SearchSpace Space = ToyPopulation.Space;

    private static Configuration H(double h0, double h1) =>
        Configuration.From(new Dictionary<string, object> { ["h0"] = h0, ["h1"] = h1 });

    private static PopulationSimulation<double[]> Toy(Core.Schedulers.ITrialScheduler scheduler, IOptimizer optimizer,
        int population) =>
        ToyPopulation.Simulate(scheduler, optimizer, steps: 100, population, parallelism: 3);

    [Fact]
    public void A_members_schedule_follows_its_donors_back_to_a_starting_configuration()
    {
        // 1 started with A and exploited 0 at step 4 (taking B); 0 had exploited 2 (C) at step 2, which never changed.
        var trials = new List<TrialRecord>
        {
            new(0, TrialState.Complete, H(0.2, 0.2)) { Lineage = [new LineageEntry(2, 2, H(0.9, 0.9), H(0.2, 0.2))] },
            new(1, TrialState.Complete, H(0.5, 0.5)) { Lineage = [new LineageEntry(4, 0, H(0.1, 0.1), H(0.5, 0.5))] },
            new(2, TrialState.Complete, H(0.3, 0.3)),
        };
        Assert.Equal(
            [new ScheduleSegment(0, H(0.3, 0.3)), new ScheduleSegment(2, H(0.2, 0.2)), new ScheduleSegment(4, H(0.5, 0.5))],
            PopulationSchedule.Of(trials, 1, 10));
        // Up to step 4, member 1 still trained with its own A.
        Assert.Equal([new ScheduleSegment(0, H(0.1, 0.1))], PopulationSchedule.Of(trials, 1, 4));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Replaying_the_best_members_schedule_from_scratch_retraces_its_model_exactly(int seed)
    {
        var pbt = new PbtScheduler(5, new PbtExplorer(Space, 0.25, [0.8, 1.2]), true, 0.25, synchronous: false, 6, 100, seed);
        var population = Toy(pbt, OptimizerFactory.Create(OptimizerSpec.Of("random", seed), Space, StudyDirection.Maximize), 6);
        var history = population.Run();
        var best = history.Best!;
        Assert.NotEmpty(best.Lineage);
        var schedule = PopulationSchedule.Of(history.Trials, best.Number, 100);
        Assert.True(schedule.Count > 1);

        var replay = Toy(new PbtReplayScheduler(schedule), new InitialPointsOptimizer(
            OptimizerFactory.Create(OptimizerSpec.Of("random"), Space, StudyDirection.Maximize), [schedule[0].Params]), 1);
        var replayed = Assert.Single(replay.Run().Trials);
        Assert.Equal(best.Value, replayed.Value);
        // Before its last exploit the member's own values were those of the model it gave up; from there on the
        // replay's values are its values, step for step.
        var since = best.Lineage[^1].Step;
        Assert.Equal(best.Intermediate.Where(v => v.Step > since).Select(v => v.Value),
            replayed.Intermediate.Where(v => v.Step > since).Select(v => v.Value));
    }

    [Fact]
    public void A_replay_spec_is_read_and_a_bad_schedule_is_refused_by_path()
    {
        static Exception Refused(string schedule) => Assert.Throws<SpecException>(() => StudySpecParser.Parse($$$"""
            {"name": "r", "objective": {"metric": "q", "direction": "maximize"},
             "trainable": {"type": "function", "function": "pbt-toy", "steps": 20},
             "space": [{"name": "h0", "type": "float", "low": 0, "high": 1}, {"name": "h1", "type": "float", "low": 0, "high": 1}],
             "scheduler": {"type": "pbt-replay", "schedule": {{{schedule}}}}, "budget": {"maxTrials": 1}}
            """));
        Assert.Contains("scheduler.schedule[0].afterStep", Refused("""[{"afterStep": 3, "params": {"h0": 1, "h1": 1}}]""").Message);
        Assert.Contains("scheduler.schedule[1].afterStep", Refused("""[{"afterStep": 0, "params": {"h0": 1, "h1": 1}}, {"afterStep": 0, "params": {"h0": 1, "h1": 1}}]""").Message);
        Assert.Contains("scheduler.schedule[0].params.h1", Refused("""[{"afterStep": 0, "params": {"h0": 1, "h1": 3}}]""").Message);
        Assert.Contains("scheduler.schedule[1].afterStep", Refused("""[{"afterStep": 0, "params": {"h0": 1, "h1": 1}}, {"afterStep": 20, "params": {"h0": 1, "h1": 1}}]""").Message);
    }
}
