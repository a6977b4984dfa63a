using HyperTune.Core.Optimizers;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Simulation;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;
using HyperTune.Trainables.Functions;

namespace HyperTune.Benchmarks.Tests.Schedulers;

public class MultiFidelitySimulationTests
{
    // The value at step t of a trial with parameter x: it improves with t, and a smaller x is better at every step.
    private static double Curve(Configuration c, long t) => c.GetDouble("x") + 1.0 / t;

    [Fact]
    public void The_budget_is_counted_in_steps_and_a_trial_starts_only_if_the_budget_can_take_it_to_the_last_step()
    {
        // Budget 2 runs x 27 steps = 54. Trial 0 runs 27 steps and completes; trial 1 starts (27 + 27 fit) and is
        // pruned at step 1. 26 steps are left, less than a run: trial 2 would be cut off before step 27, so it never
        // starts (where optuna_fidelity.py would run it and count it as failed).
        var result = MultiFidelitySimulation.Run(new SimulationSettings(27, 2 * 27),
            new ListOptimizer(0.5, 0.1, 0.2, 0.3), new PruneOddTrialsScheduler(), Curve);

        Assert.Equal(28, result.StepsSpent);
        Assert.Equal(2, result.TrialsStarted);
        var t = result.History.Trials;
        Assert.Equal(new[] { TrialState.Complete, TrialState.Pruned }, t.Select(x => x.State));
        Assert.Equal(new long[] { 27, 1 }, t.Select(x => x.LastIntermediate!.Step));
        Assert.Equal(0.5 + 1.0 / 27, result.BestValue!.Value, 12);
        Assert.Equal(1.1, t[1].Value!.Value, 12);
        Assert.Equal(1.0, result.Utilization);
        Assert.Equal(28, result.Time);
        Assert.Equal("the step budget is spent", result.EndReason);
    }

    [Fact]
    public void A_scheduler_that_prunes_every_trial_at_step_one_starts_trials_while_a_whole_run_still_fits()
    {
        // Each new trial needs room for 27 steps: after k trials pruned at step 1, k + 27 <= 54 lets k = 0..27 start.
        var result = MultiFidelitySimulation.Run(new SimulationSettings(27, 54),
            new RandomOptimizerFactory().Create(), new PruneOddTrialsScheduler(all: true), Curve);
        Assert.Equal(28, result.TrialsStarted);
        Assert.Equal(28, result.StepsSpent);
        Assert.Null(result.BestValue);
        Assert.All(result.History.Trials, x => Assert.Equal(TrialState.Pruned, x.State));
    }

    [Fact]
    public void With_parallel_slots_no_trial_is_cut_off_by_the_budget_and_the_budget_is_never_exceeded()
    {
        var problem = FidelityProblems.Find("mf-hartmann6")!;
        var result = MultiFidelitySimulation.Run(new SimulationSettings(27, 30 * 27, Parallelism: 8),
            OptimizerFactory.Create(Core.Specs.OptimizerSpec.Of("random", 3), problem.Space, StudyDirection.Minimize),
            new RunToCompletionScheduler(), (c, t) => problem.Curve(c, t));

        // 8 slots: three waves of 8 trials spend 648 steps; of a fourth wave only 6 fit in the 162 left (where all 8
        // would once have started, and been stopped at step 20 or 21 when the budget ran out).
        Assert.Equal(30, result.TrialsStarted);
        Assert.Equal(30 * 27, result.StepsSpent);
        Assert.All(result.History.Trials, x => Assert.Equal((TrialState.Complete, 27L), (x.State, x.LastIntermediate!.Step)));
        Assert.Equal("the step budget is spent", result.EndReason);
    }

    [Fact]
    public void A_synchronous_rung_pauses_trials_and_resumes_the_better_half_from_their_step()
    {
        // 3 slots, 4 trials to step 1 (x = 0.4, 0.1, 0.3, 0.2), then the better two (trials 1 and 3) to step 3.
        // Tick 1: trials 0, 1, 2 take step 1 and pause; trial 0's slot starts trial 3 at once, whose first step is at
        // tick 2, while the others wait at the barrier. Tick 2: trial 3 pauses, the rung closes: 0 and 2 pruned,
        // 1 and 3 resumed. Ticks 3 and 4: steps 2 and 3 of trials 1 and 3. 8 steps in 4 ticks x 3 slots.
        var result = MultiFidelitySimulation.Run(new SimulationSettings(3, 100, Parallelism: 3),
            new ListOptimizer(0.4, 0.1, 0.3, 0.2), new TinyHalvingScheduler(4, 1), Curve);

        var t = result.History.Trials;
        Assert.Equal(new[] { TrialState.Pruned, TrialState.Complete, TrialState.Pruned, TrialState.Complete }, t.Select(x => x.State));
        Assert.Equal(new long[] { 1, 2, 3 }, t[1].Intermediate.Select(v => v.Step));
        Assert.Equal(new long[] { 1, 2, 3 }, t[3].Intermediate.Select(v => v.Step));
        Assert.Equal(1.4, t[0].Value!.Value, 12);
        Assert.Equal(0.1 + 1.0 / 3, result.BestValue!.Value, 12);
        Assert.Equal(4, result.TrialsStarted);
        Assert.Equal(8, result.StepsSpent);
        Assert.Equal(4, result.Time);
        Assert.Equal(8.0 / 12, result.Utilization, 12);
        Assert.Equal("the bracket is done", result.EndReason);
    }

    [Fact]
    public void A_paused_trial_the_budget_cannot_take_further_is_pruned_at_its_paused_step()
    {
        // Budget 7, runs of 3 steps, 3 slots, a rung at step 1 over 4 trials. New trials start while a whole run fits
        // (trials 0-2, then 3 once trial 0 paused); the rung keeps trials 1 and 3 (x = 0.1, 0.2). Trial 1's resume
        // to step 3 fits (4 + 2 <= 7); trial 3's would not (6 + 2), not even after trial 1 completed: the study ends
        // and trial 3 is pruned where it paused.
        var result = MultiFidelitySimulation.Run(new SimulationSettings(3, 7, Parallelism: 3),
            new ListOptimizer(0.4, 0.1, 0.3, 0.2), new TinyHalvingScheduler(4, 1), Curve);
        var t = result.History.Trials;
        Assert.Equal(new[] { TrialState.Pruned, TrialState.Complete, TrialState.Pruned, TrialState.Pruned },
            t.Select(x => x.State));
        Assert.Equal(new long[] { 1, 3, 1, 1 }, t.Select(x => x.LastIntermediate!.Step));
        Assert.Equal(1.2, t[3].Value!.Value, 12);
        Assert.Equal(6, result.StepsSpent);
        Assert.Equal("the step budget is spent", result.EndReason);
    }

    [Fact]
    public void An_exhausted_optimizer_ends_the_study_before_the_budget()
    {
        var result = MultiFidelitySimulation.Run(new SimulationSettings(5, 1000, Parallelism: 2),
            new ListOptimizer(0.3, 0.2, 0.1), new RunToCompletionScheduler(), Curve);
        Assert.Equal(3, result.TrialsStarted);
        Assert.Equal(15, result.StepsSpent);
        // Two slots: trials 0 and 1 in ticks 1-5, trial 2 in ticks 6-10 with one slot idle.
        Assert.Equal(10, result.Time);
        Assert.Equal(0.75, result.Utilization, 12);
        Assert.Equal(0.1 + 1.0 / 5, result.BestValue!.Value, 12);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void A_simulation_is_deterministic_for_a_seed(int parallelism)
    {
        var problem = FidelityProblems.Find("mf-branin")!;
        SimulationResult Once() => MultiFidelitySimulation.Run(new SimulationSettings(27, 10 * 27, parallelism),
            OptimizerFactory.Create(Core.Specs.OptimizerSpec.Of("tpe", 7), problem.Space, StudyDirection.Minimize),
            new PruneOddTrialsScheduler(atStep: 3), (c, t) => problem.Curve(c, t));
        var a = Once();
        var b = Once();
        Assert.Equal(a.History.Trials.Count, b.History.Trials.Count);
        Assert.Equal(a.History.Trials.Select(t => (t.State, t.Params.ToString(), t.Value)),
            b.History.Trials.Select(t => (t.State, t.Params.ToString(), t.Value)));
        Assert.Equal(a.Time, b.Time);
        Assert.True(a.TrialsStarted > 10, "odd trials pruned at step 3 leave room for more than 10 trials");
    }

    [Fact]
    public void A_scheduler_resuming_a_trial_that_is_not_paused_is_an_error()
    {
        var bad = new ResumeTrialZeroScheduler();
        var e = Assert.Throws<InvalidOperationException>(() => MultiFidelitySimulation.Run(
            new SimulationSettings(3, 100, Parallelism: 2), new ListOptimizer(0.1, 0.2), bad, Curve));
        Assert.Contains("trial 0", e.Message);
    }

    private sealed class ResumeTrialZeroScheduler : ITrialScheduler
    {
        public bool PausesTrials => true;

        public ReportDecision OnReport(TrialHistory history, int trialNumber) => ReportDecision.Continue;

        public SlotDecision OnSlotFree(SchedulerContext context) =>
            context.History.Trials.Count == 0 ? SlotDecision.StartNew() : SlotDecision.Resume(0, null, "wrongly");

        public IReadOnlyList<RungSummary> Rungs(TrialHistory history) => Array.Empty<RungSummary>();
    }

    private sealed class RandomOptimizerFactory
    {
        public IOptimizer Create() => OptimizerFactory.Create(Core.Specs.OptimizerSpec.Of("random", 1),
            new SearchSpace(new FloatParameter("x", 0, 1)), StudyDirection.Minimize);
    }
}
