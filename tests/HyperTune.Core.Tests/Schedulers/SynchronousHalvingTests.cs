using HyperTune.Core.Optimizers;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Schedulers.Halving;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;
using static HyperTune.Core.Tests.Schedulers.SchedulerSimulation;

namespace HyperTune.Core.Tests.Schedulers;

public class SynchronousHalvingTests
{
    private const StudyDirection Min = StudyDirection.Minimize;
    private const StudyDirection Max = StudyDirection.Maximize;

    private static readonly SearchSpace Nine = new(new IntParameter("x", 0, 8));

    private static IOptimizer Grid() => OptimizerFactory.Create(OptimizerSpec.Of("grid"), Nine, Min);

    private static long X(TrialRecord t) => (long)ParameterValues.ToDouble(t.Params["x"]);

    // Curves that cross: at step 1 the best x is 2, at step 3 it is 5, from step 9 on it is 6.
    private static double Crossing(Configuration c, long step)
    {
        var target = step < 3 ? 2 : step < 9 ? 5 : 6;
        var x = ParameterValues.ToDouble(c["x"]);
        return (x - target) * (x - target);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Halving_grid_search_promotes_exactly_the_hand_computed_survivors(int parallelism)
    {
        // Nine grid points, η = 3, rungs at steps 1 and 3, full training 9 steps. Rung 0 (step 1, best x = 2):
        // x = 2 (loss 0), then 1 and 3 (loss 1 each) go on; the other six are pruned. Rung 1 (step 3, best x = 5):
        // of 1, 2, 3, x = 3 (loss 4) is the lone survivor and trains to step 9, where its value is 9.
        var scheduler = new SynchronousHalvingScheduler(new ResourceLadder(1, 9, 3));
        var sim = new SchedulerSimulation(Grid(), scheduler, Crossing, steps: 9, maxTrials: 100, parallelism);
        var history = sim.Run();

        Assert.Equal(9, history.Trials.Count);
        Assert.Equal(new long[] { 0, 1, 2, 3, 4, 5, 6, 7, 8 }, history.Trials.Select(X).Order());
        var reachedStep3 = history.Trials.Where(t => t.LastIntermediate!.Step >= 3).Select(X).Order();
        Assert.Equal([1L, 2, 3], reachedStep3);
        var complete = Assert.Single(history.Completed);
        Assert.Equal(3, X(complete));
        Assert.Equal(9, complete.Value);
        Assert.All(history.Trials.Where(t => t != complete), t => Assert.Equal(TrialState.Pruned, t.State));
        // Steps: 9 at rung 0, 3 × 2 to rung 1, 6 for the survivor to the end.
        Assert.Equal(9 + 6 + 6, sim.StepsSpent);
        // Resumed from step 1 to 3 (three trials), then the survivor from 3 to the end.
        Assert.Equal(3, sim.Resumes.Count(r => r.From == 1 && r.Until == 3));
        Assert.Equal((X(complete), 3L, (long?)null), sim.Resumes.Where(r => r.From == 3)
            .Select(r => (X(history.Trials[r.Number]), r.From, r.Until)).Single());
    }

    [Fact]
    public void When_the_best_point_leads_at_every_rung_it_wins()
    {
        var scheduler = new SynchronousHalvingScheduler(new ResourceLadder(1, 9, 3));
        var sim = new SchedulerSimulation(Grid(), scheduler,
            (c, step) => Math.Abs(ParameterValues.ToDouble(c["x"]) - 6) + 10.0 / step, steps: 9, maxTrials: 100, 2);
        var history = sim.Run();
        Assert.Equal(6, X(history.Best!));
        // Rung 0 keeps 6, 5 and 7 (ties broken by trial number: 5 before 7).
        Assert.Equal([5L, 6, 7], history.Trials.Where(t => t.LastIntermediate!.Step >= 3).Select(X).Order());
    }

    [Fact]
    public void A_bracket_size_below_the_budget_runs_several_brackets()
    {
        var scheduler = new SynchronousHalvingScheduler(new ResourceLadder(1, 9, 3), bracketSize: 3);
        var sim = new SchedulerSimulation(Grid(), scheduler, Crossing, steps: 9, maxTrials: 9, parallelism: 2);
        var history = sim.Run();
        // Three brackets of three trials, one survivor each, trained to the end.
        Assert.Equal([3, 3, 3], history.Trials.GroupBy(t => BracketAttribute.Of(t)).Select(g => g.Count()));
        Assert.Equal(3, history.Completed.Count());
    }

    [Fact]
    public void A_new_trial_starts_paused_at_the_first_rung_and_the_barrier_waits_for_the_rung()
    {
        var scheduler = new SynchronousHalvingScheduler(new ResourceLadder(1, 9, 3));
        var empty = TrialHistory.Empty(Min);
        var start = scheduler.OnSlotFree(new SchedulerContext(empty, true, 3));
        Assert.Equal(SlotAction.StartNew, start.Action);
        Assert.Equal(1, start.StopAtStep);
        Assert.Equal("0", start.Attributes[BracketAttribute.Name]);
        Assert.True(scheduler.PausesTrials);

        var inBracket = (TrialRecord t) => t with { Attributes = BracketAttribute.For(0) };
        // Three trials, two paused at step 1, one still running: the rung is not complete.
        var history = new TrialHistory(
        [
            inBracket(Trial(0, TrialState.Paused, 3)), inBracket(Trial(1, TrialState.Paused, 1)),
            inBracket(Running(2)),
        ], Min);
        var wait = scheduler.OnSlotFree(new SchedulerContext(history, false, 3));
        Assert.Equal(SlotAction.Wait, wait.Action);
        Assert.Empty(wait.Prune);

        // The third pauses at 2: trial 1 (value 1) is the top ceil(3/3) = 1, resumed to the end; 0 and 2 pruned.
        history = new TrialHistory(
        [
            inBracket(Trial(0, TrialState.Paused, 3)), inBracket(Trial(1, TrialState.Paused, 1)),
            inBracket(Trial(2, TrialState.Paused, 2)),
        ], Min);
        var resume = scheduler.OnSlotFree(new SchedulerContext(history, false, 3));
        Assert.Equal(SlotAction.Resume, resume.Action);
        Assert.Equal(1, resume.TrialNumber);
        Assert.Null(resume.StopAtStep);
        Assert.Equal([0, 2], resume.Prune.ToArray());
    }

    [Fact]
    public void Recovery_in_the_middle_of_a_rung_gives_the_same_decisions()
    {
        // A recovered coordinator rebuilds its scheduler and asks it with the replayed history: mid-rung, with one
        // promoted trial already resumed, a fresh instance must pick the same next resume and the same prunes.
        var inBracket = (TrialRecord t) => t with { Attributes = BracketAttribute.For(0) };
        var trials = Enumerable.Range(0, 6).Select(i => inBracket(Trial(i, TrialState.Paused, 10 - i))).ToList();
        trials[5] = trials[5] with { State = TrialState.Waiting, StopAtStep = 3 };
        var history = new TrialHistory(trials, Min);
        var context = new SchedulerContext(history, false, 6);
        var a = new SynchronousHalvingScheduler(new ResourceLadder(1, 9, 3)).OnSlotFree(context);
        var b = new SynchronousHalvingScheduler(new ResourceLadder(1, 9, 3)).OnSlotFree(context);
        // Top 2 of 6 at step 1 are trials 5 (resumed already) and 4: 4 resumes to step 3; 0..3 are pruned.
        Assert.Equal(SlotAction.Resume, a.Action);
        Assert.Equal(4, a.TrialNumber);
        Assert.Equal(3, a.StopAtStep);
        Assert.Equal([0, 1, 2, 3], a.Prune.ToArray());
        Assert.Equal((a.Action, a.TrialNumber, a.StopAtStep, a.Reason),
            (b.Action, b.TrialNumber, b.StopAtStep, b.Reason));
        Assert.Equal(a.Prune.ToArray(), b.Prune.ToArray());
    }

    [Fact]
    public void Rungs_show_each_bracket_run()
    {
        var scheduler = new SynchronousHalvingScheduler(new ResourceLadder(1, 9, 3));
        var sim = new SchedulerSimulation(Grid(), scheduler, Crossing, steps: 9, maxTrials: 100, 1);
        var history = sim.Run();
        var rungs = scheduler.Rungs(history);
        Assert.Equal(new RungSummary(0, 0, 1, 9, 3, 0), rungs[0]);
        Assert.Equal(new RungSummary(0, 1, 3, 3, 1, 4), rungs[1]);
        // The final rung at maxResource 9: the lone survivor of step 3 ran to the end.
        Assert.Equal((0, 2, 9L, 1, 0), (rungs[2].Bracket, rungs[2].Rung, rungs[2].Step, rungs[2].Trials,
            rungs[2].Promoted));
        Assert.Equal(3, rungs.Count);
    }
}
