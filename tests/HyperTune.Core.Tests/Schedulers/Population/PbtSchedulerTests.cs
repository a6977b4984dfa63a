using System.Collections.Immutable;
using System.Text.Json;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Schedulers.Population;
using HyperTune.Core.Simulation;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Tests.Schedulers.Population;

public class PbtSchedulerTests
{
    private static readonly SearchSpace Space = new(new FloatParameter("lr", 1e-4, 1, Log: true),
        new IntParameter("depth", 1, 12), new CategoricalParameter("opt", ["sgd", "adam", "rmsprop"]));

    private static Configuration Config(double lr, long depth = 4, string opt = "adam") =>
        Configuration.From(new Dictionary<string, object> { ["lr"] = lr, ["depth"] = depth, ["opt"] = opt });

    // A member with values (step, value) for steps 1..values.Length, in a state.
    private static TrialRecord Member(int number, TrialState state, double lr, params double[] values) =>
        new(number, state, Config(lr))
        {
            Intermediate = values.Select((v, i) => new IntermediateValue(i + 1, v)).ToImmutableList(),
        };

    private static PbtScheduler Scheduler(bool synchronous = false, long seed = 7, double fraction = 0.25,
        bool exploit = true, bool explore = true) =>
        new(interval: 2, explore ? new PbtExplorer(Space, 0.25, [0.8, 1.2]) : null, exploit, fraction, synchronous,
            populationSize: null, finalStep: 10, seed);

    private static SchedulerContext Context(params TrialRecord[] trials) =>
        new(new TrialHistory(trials, StudyDirection.Minimize), CanStartNew: true, MaxTrials: trials.Length);

    [Theory]
    [InlineData(2, 0.25, 1)]
    [InlineData(3, 0.25, 1)]
    [InlineData(4, 0.25, 1)]
    [InlineData(8, 0.25, 2)]
    [InlineData(10, 0.25, 3)]
    [InlineData(5, 0.5, 2)]
    [InlineData(16, 0.5, 8)]
    public void The_bottom_and_top_parts_are_the_fraction_rounded_up_and_at_most_half(int ranked, double fraction,
        int part)
    {
        Assert.Equal(part, Scheduler(fraction: fraction).PartSize(ranked));
    }

    [Fact]
    public void New_members_start_until_the_population_is_full_and_pause_at_the_first_interval()
    {
        var scheduler = Scheduler();
        var slot = scheduler.OnSlotFree(new SchedulerContext(TrialHistory.Empty(StudyDirection.Minimize), true, 4));
        Assert.Equal((SlotAction.StartNew, (long?)2), (slot.Action, slot.StopAtStep));
    }

    [Fact]
    public void A_member_in_the_bottom_part_continues_from_a_top_member_with_a_perturbed_configuration()
    {
        // Minimizing; at step 2: trial 0 best (1.0), 1 and 2 middle, 3 worst. Part size 1: 3 exploits 0.
        var trials = new[]
        {
            Member(0, TrialState.Running, 0.01, 3.0, 1.0, 0.9),
            Member(1, TrialState.Paused, 0.02, 3.0, 2.0),
            Member(2, TrialState.Running, 0.03, 3.0, 2.5, 2.4),
            Member(3, TrialState.Paused, 0.04, 3.0, 4.0),
        };
        var slot = Scheduler().OnSlotFree(Context(trials));
        // The paused member with the lowest step, then number: trial 1, in the middle: it goes on as it is.
        Assert.Equal((SlotAction.Resume, (int?)1, (long?)4), (slot.Action, slot.TrialNumber, slot.StopAtStep));
        Assert.Null(slot.Exploit);

        trials[1] = trials[1] with { State = TrialState.Waiting };
        slot = Scheduler().OnSlotFree(Context(trials));
        Assert.Equal((SlotAction.Resume, (int?)3), (slot.Action, slot.TrialNumber));
        var exploit = Assert.IsType<ExploitDecision>(slot.Exploit);
        Assert.Equal((0, 2L), (exploit.Donor, exploit.Step));
        Assert.Empty(Space.Check(exploit.Params));
        Assert.NotEqual(trials[0].Params, exploit.Params);
    }

    [Fact]
    public void Members_are_ranked_at_the_step_they_paused_at_not_at_their_latest_values()
    {
        // At step 2 trial 1 is the worst (5.0); trial 0 has since improved to 0.1 at step 4, which does not count.
        var trials = new[]
        {
            Member(0, TrialState.Running, 0.01, 9.0, 9.0, 9.0, 0.1),
            Member(1, TrialState.Paused, 0.02, 1.0, 5.0),
            Member(2, TrialState.Running, 0.03, 1.0, 1.0, 1.0),
        };
        var exploit = Scheduler().OnSlotFree(Context(trials)).Exploit;
        Assert.Null(exploit);
        var worst = new[] { trials[0], trials[1] with { Intermediate = trials[1].Intermediate.SetItem(1, new(2, 9.5)) }, trials[2] };
        Assert.Equal(2, Scheduler().OnSlotFree(Context(worst)).Exploit!.Donor);
    }

    [Fact]
    public void A_decision_depends_only_on_the_seed_and_the_history()
    {
        var trials = new[]
        {
            Member(0, TrialState.Running, 0.01, 1.0, 1.0, 1.0),
            Member(1, TrialState.Running, 0.5, 2.0, 2.0, 2.0),
            Member(2, TrialState.Running, 0.3, 3.0, 2.0, 2.0),
            Member(3, TrialState.Paused, 0.04, 4.0, 4.0),
        };
        var first = Scheduler(seed: 3).OnSlotFree(Context(trials)).Exploit!;
        var again = Scheduler(seed: 3).OnSlotFree(Context(trials)).Exploit!;
        Assert.Equal(first, again);
        var others = Enumerable.Range(4, 10).Select(s => Scheduler(seed: s).OnSlotFree(Context(trials)).Exploit!.Params);
        Assert.Contains(others, p => !p.Equals(first.Params));
    }

    [Fact]
    public void A_synchronous_round_waits_for_members_behind_and_an_asynchronous_one_does_not()
    {
        var trials = new[]
        {
            Member(0, TrialState.Paused, 0.01, 1.0, 1.0),
            Member(1, TrialState.Running, 0.02, 2.0),
        };
        Assert.Equal(SlotAction.Wait, Scheduler(synchronous: true).OnSlotFree(Context(trials)).Action);
        Assert.Equal(SlotAction.Resume, Scheduler(synchronous: false).OnSlotFree(Context(trials)).Action);
    }

    [Fact]
    public void Alone_at_its_step_a_member_goes_on_and_with_nothing_left_the_population_is_done()
    {
        var ahead = new[] { Member(0, TrialState.Paused, 0.01, 1.0, 1.0), Member(1, TrialState.Running, 0.02, 2.0) };
        var slot = Scheduler().OnSlotFree(Context(ahead));
        Assert.Equal((SlotAction.Resume, (ExploitDecision?)null), (slot.Action, slot.Exploit));
        var finished = new[] { Member(0, TrialState.Complete, 0.01, 1.0), Member(1, TrialState.Failed, 0.02, 2.0) };
        Assert.Equal(SlotAction.Done, Scheduler().OnSlotFree(Context(finished)).Action);
    }

    [Fact]
    public void The_last_interval_runs_to_the_end_instead_of_pausing_at_the_final_step()
    {
        var trials = new[] { Member(0, TrialState.Paused, 0.01, 1, 1, 1, 1, 1, 1, 1, 1), Member(1, TrialState.Complete, 0.02, 2) };
        Assert.Null(Scheduler().OnSlotFree(Context(trials)).StopAtStep);
    }

    [Fact]
    public void The_ablations_copy_without_exploring_or_explore_their_own_configuration()
    {
        var trials = new[]
        {
            Member(0, TrialState.Running, 0.01, 1.0, 1.0, 1.0),
            Member(1, TrialState.Paused, 0.5, 4.0, 4.0),
        };
        var exploitOnly = Scheduler(explore: false).OnSlotFree(Context(trials)).Exploit!;
        Assert.Equal((0, trials[0].Params), (exploitOnly.Donor, exploitOnly.Params));
        var exploreOnly = Scheduler(exploit: false).OnSlotFree(Context(trials)).Exploit!;
        Assert.Equal(1, exploreOnly.Donor);
        Assert.NotEqual(trials[1].Params, exploreOnly.Params);
    }

    [Fact]
    public void A_donor_exploited_at_a_later_step_hands_on_the_configuration_it_had_at_this_one()
    {
        // Asynchronous: the donor went on to step 4 and was exploited there; the straggler ranked at step 2 inherits
        // what the donor trained with up to step 2, not its configuration of now.
        var donor = Member(0, TrialState.Running, 0.01, 1.0, 1.0, 1.0, 1.0, 1.0) with
        {
            Params = Config(0.9),
            Lineage = [new LineageEntry(4, 5, Config(0.01), Config(0.9))],
        };
        Assert.Equal(Config(0.01), donor.ParamsAt(4));
        Assert.Equal(Config(0.01), donor.ParamsAt(2));
        Assert.Equal(Config(0.9), donor.ParamsAt(5));
        var trials = new[] { donor, Member(1, TrialState.Paused, 0.5, 4.0, 4.0) };
        Assert.Equal(Config(0.01), Scheduler(explore: false).OnSlotFree(Context(trials)).Exploit!.Params);
    }

    [Fact]
    public void Settings_are_read_with_defaults_and_bad_ones_are_refused_by_name()
    {
        static PbtScheduler Read(string json, long? steps = 100) =>
            PbtScheduler.FromSettings(new SchedulerSpec("pbt", JsonDocument.Parse(json).RootElement.Clone()).Reader(),
                steps, Space, 1);

        var defaults = Read("""{"type": "pbt"}""");
        Assert.Equal((10L, 0.25, false, true), (defaults.Interval, defaults.QuantileFraction, defaults.Synchronous, defaults.Exploits));
        Assert.Equal(0.25, defaults.Explorer!.ResampleProbability);
        Assert.Equal([0.8, 1.2], defaults.Explorer.Factors);

        Assert.Equal("scheduler.perturbationInterval", Assert.Throws<SpecException>(() => Read("""{"type": "pbt"}""", null)).Path);
        Assert.Equal("scheduler.perturbationInterval", Assert.Throws<SpecException>(() => Read("""{"type": "pbt", "perturbationInterval": 100}""")).Path);
        Assert.Equal("scheduler.quantileFraction", Assert.Throws<SpecException>(() => Read("""{"type": "pbt", "quantileFraction": 0.6}""")).Path);
        Assert.Equal("scheduler.explore", Assert.Throws<SpecException>(() => Read("""{"type": "pbt", "exploit": false, "explore": false}""")).Path);
        Assert.Equal("scheduler.perturbationFactors[1]", Assert.Throws<SpecException>(() => Read("""{"type": "pbt", "perturbationFactors": [0.8, -1]}""")).Path);
        Assert.Equal("scheduler.mutations.width", Assert.Throws<SpecException>(() => Read("""{"type": "pbt", "mutations": {"width": [1]}}""")).Path);
        Assert.Equal("scheduler.mutations.depth[1]", Assert.Throws<SpecException>(() => Read("""{"type": "pbt", "mutations": {"depth": [2, 40]}}""")).Path);
        Assert.Equal("database", Read("""{"type": "pbt", "checkpointStore": "database"}""").CheckpointStore);
        Assert.Null(defaults.CheckpointStore);
        Assert.Equal("scheduler.checkpointStore", Assert.Throws<SpecException>(() => Read("""{"type": "pbt", "checkpointStore": "s3"}""")).Path);
        Assert.Equal("scheduler.populationSiz", Assert.Throws<SpecException>(() => Read("""{"type": "pbt", "populationSiz": 4}""")).Path);
    }

    [Fact]
    public void A_spec_with_pbt_parses_and_a_missing_interval_is_left_to_the_trainable()
    {
        var spec = StudySpecParser.Parse("""
            {"name": "p", "objective": {"metric": "q", "direction": "maximize"},
             "trainable": {"type": "function", "function": "pbt-toy"},
             "space": [{"name": "h0", "type": "float", "low": 0, "high": 1}, {"name": "h1", "type": "float", "low": 0, "high": 1}],
             "scheduler": {"type": "pbt", "mutations": {"h0": [0.5, 1]}},
             "budget": {"maxTrials": 4}}
            """);
        var scheduler = Assert.IsType<PbtScheduler>(SchedulerFactory.Create(spec, 200));
        Assert.Equal(20, scheduler.Interval);
    }

    // The paper's set-up (figure 2): two members from h = (1, 0) and (0, 1), 200 steps.
    private static PopulationSimulation<double[]> Toy(ITrialScheduler scheduler, int parallelism)
    {
        var space = ToyPopulation.Space;
        var starts = new[]
        {
            Configuration.From(new Dictionary<string, object> { ["h0"] = 1.0, ["h1"] = 0.0 }),
            Configuration.From(new Dictionary<string, object> { ["h0"] = 0.0, ["h1"] = 1.0 }),
        };
        var optimizer = new InitialPointsOptimizer(OptimizerFactory.Create(OptimizerSpec.Of("random"), space, StudyDirection.Maximize), starts);
        return ToyPopulation.Simulate(scheduler, optimizer, steps: 200, population: 2, parallelism);
    }

    [Theory]
    [InlineData(true, 2)]
    [InlineData(false, 2)]
    [InlineData(true, 1)]
    public void On_the_papers_toy_problem_the_population_reaches_what_neither_start_can(bool synchronous, int slots)
    {
        var space = ToyPopulation.Space;
        var pbt = new PbtScheduler(4, new PbtExplorer(space, 0.25, [0.8, 1.2]), true, 0.25, synchronous, 2, 200, seed: 1);
        var sim = Toy(pbt, slots);
        var history = sim.Run();
        Assert.True(history.Best!.Value >= 1.19, $"best {history.Best.Value}");
        Assert.NotEmpty(sim.Exploits);
        Assert.All(sim.Exploits, e => Assert.Equal(0, e.Decision.Step % 4));
        // Every member trained every step once: 2 × 200.
        Assert.Equal(400, sim.StepsSpent);
        // Without PBT the two starting points stay where a single h leaves them: Q = 1.2 - 0.81 at best.
        var grid = Toy(new RunToCompletionScheduler(), 2).Run();
        Assert.True(grid.Best!.Value < 0.4, $"grid best {grid.Best.Value}");
    }

    [Theory]
    [InlineData(false, 8, 1)]
    [InlineData(false, 8, 3)]
    [InlineData(true, 8, 3)]
    [InlineData(false, 5, 5)]
    public void Kept_checkpoints_are_discarded_only_once_no_member_can_still_copy_them(bool synchronous, int population,
        int slots)
    {
        // The simulation drops kept states below KeptCheckpointsNeededFrom after every planning round, as workers
        // delete them; an exploit that needed one would fail it.
        var space = ToyPopulation.Space;
        var pbt = new PbtScheduler(3, new PbtExplorer(space, 0.25, [0.8, 1.2]), true, 0.5, synchronous, population, 60, seed: 5);
        var optimizer = OptimizerFactory.Create(OptimizerSpec.Of("random", 5), space, StudyDirection.Maximize);
        var sim = ToyPopulation.Simulate(pbt, optimizer, steps: 60, population, slots);
        var history = sim.Run();
        Assert.All(history.Trials, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.True(sim.Exploits.Count(e => e.Decision.Donor != e.Number) >= 5, $"{sim.Exploits.Count} exploits");
        // With every member finished nothing is needed any more.
        Assert.Equal(0, sim.KeptCount);
    }

    [Fact]
    public void Until_the_population_is_complete_every_kept_checkpoint_is_needed()
    {
        var trials = new[] { Member(0, TrialState.Paused, 0.01, 1, 1, 1, 1) };
        var context = new SchedulerContext(new TrialHistory(trials, StudyDirection.Minimize), true, 2);
        Assert.Equal(0, Scheduler().KeptCheckpointsNeededFrom(context));
        var full = new[] { trials[0], Member(1, TrialState.Running, 0.02, 1, 1), Member(2, TrialState.Complete, 0.5, 1) };
        Assert.Equal(2, Scheduler().KeptCheckpointsNeededFrom(new SchedulerContext(new TrialHistory(full, StudyDirection.Minimize), true, 3)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Pb2s_model_based_explore_reaches_the_toys_optimum_nearly_as_fast_as_a_fixed_best_h(int seed)
    {
        var space = ToyPopulation.Space;
        var explorer = new PbtExplorer(space, 0.25, [0.8, 1.2]);
        var pb2 = new PbtScheduler(4, explorer, true, 0.25, synchronous: true, 2, 200, seed) { Pb2 = new Pb2Explorer(space, explorer) };
        var sim = Toy(pb2, 2);
        var history = sim.Run();
        Assert.All(sim.Exploits, e => Assert.Empty(space.Check(e.Decision.Params)));
        // h = (1, 1) from the start needs 126 steps (step 0.01 in the toy here: 1 - 0.02 h); PB2 gets close.
        var reached = sim.FirstStepReaching(1.19);
        Assert.True(reached is <= 150, $"reached Q >= 1.19 at step {reached?.ToString() ?? "never"}");
        Assert.True(history.Best!.Value >= 1.19);
    }

    [Fact]
    public void The_pb2_explorer_is_chosen_by_name_and_its_decisions_depend_only_on_the_seed_and_the_history()
    {
        var read = PbtScheduler.FromSettings(new SchedulerSpec("pbt", JsonDocument.Parse("""{"type": "pbt", "explorer": "pb2", "perturbationInterval": 2}""").RootElement.Clone()).Reader(),
            100, Space, 1);
        Assert.NotNull(read.Pb2);
        Assert.Equal("scheduler.explorer", Assert.Throws<SpecException>(() => PbtScheduler.FromSettings(
            new SchedulerSpec("pbt", JsonDocument.Parse("""{"type": "pbt", "explorer": "bayes"}""").RootElement.Clone()).Reader(), 100, Space, 1)).Path);
        // Eight members with six intervals behind them: enough for the model.
        var trials = Enumerable.Range(0, 8).Select(n => new TrialRecord(n, n == 7 ? TrialState.Paused : TrialState.Running,
            Config(0.001 * (n + 1) * (n + 1), 2 + n, n % 2 == 0 ? "sgd" : "adam"))
        {
            Intermediate = Enumerable.Range(1, n == 7 ? 12 : 13).Select(s => new IntermediateValue(s, 10.0 / s + n * 0.1)).ToImmutableList(),
        }).ToArray();
        var first = read.OnSlotFree(Context(trials)).Exploit!;
        Assert.Equal(first, read.OnSlotFree(Context(trials)).Exploit);
        Assert.Empty(Space.Check(first.Params));
    }

    [Fact]
    public void Pb2_chooses_the_categorical_value_the_populations_gains_favour()
    {
        // Twelve members over five intervals of 2 steps (minimized): those training with adam lose 1.0 per interval,
        // rmsprop 0.3, sgd 0.1, whatever their learning rate and depth. A member inheriting sgd should move to adam;
        // the random perturbation moves a categorical only to a neighbour (sgd -> adam half the time at most).
        var opts = new[] { "sgd", "adam", "rmsprop" };
        var drops = new Dictionary<string, double> { ["sgd"] = 0.1, ["adam"] = 1.0, ["rmsprop"] = 0.3 };
        var trials = Enumerable.Range(0, 12).Select(n =>
        {
            var opt = opts[n % 3];
            return new TrialRecord(n, TrialState.Running, Config(0.001 * (n + 1), 2 + n % 7, opt))
            {
                Intermediate = Enumerable.Range(1, 10)
                    .Select(s => new IntermediateValue(s, 20 - drops[opt] * s / 2.0 + 0.01 * n)).ToImmutableList(),
            };
        }).ToArray();
        var history = new TrialHistory(trials, StudyDirection.Minimize);
        var explorer = new PbtExplorer(Space, 0.25, [0.8, 1.2]);
        var pb2 = new Pb2Explorer(Space, explorer);
        int modelAdam = 0, perturbAdam = 0;
        for (var seed = 0; seed < 10; seed++)
        {
            var chosen = pb2.Explore(history, Config(0.01, 4, "sgd"), 10, 2, new Randomness.SeededRandom(seed));
            Assert.Empty(Space.Check(chosen));
            if ((string)chosen["opt"] == "adam") modelAdam++;
            if ((string)explorer.Explore(Config(0.01, 4, "sgd"), new Randomness.SeededRandom(seed))["opt"] == "adam")
                perturbAdam++;
        }
        Assert.True(modelAdam >= 9, $"PB2 chose adam on {modelAdam} of 10 seeds (perturbation: {perturbAdam})");
        Assert.True(perturbAdam < modelAdam, $"perturbation {perturbAdam}, PB2 {modelAdam}");
    }

    [Fact]
    public void A_top_member_exploited_at_the_same_step_is_no_donor_there()
    {
        // Trial 0 ranks best at step 2 but was exploited there itself (an earlier asynchronous ranking): trial 2,
        // the worst, takes the other top member when there is one, and goes on when there is none.
        var exploited = Member(0, TrialState.Running, 0.9, 3.0, 0.5, 0.4) with
        {
            Lineage = [new LineageEntry(2, 1, Config(0.01), Config(0.9))],
        };
        var trials = new[]
        {
            exploited, Member(1, TrialState.Running, 0.01, 3.0, 0.6, 0.5), Member(2, TrialState.Paused, 0.3, 3.0, 9.0),
            Member(3, TrialState.Running, 0.2, 3.0, 5.0, 4.0),
        };
        Assert.Equal(1, Scheduler(fraction: 0.5).OnSlotFree(Context(trials)).Exploit!.Donor);
        Assert.Null(Scheduler(fraction: 0.25).OnSlotFree(Context(trials)).Exploit);
    }
}
