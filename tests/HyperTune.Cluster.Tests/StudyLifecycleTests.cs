using HyperTune.Cluster.Studies;
using HyperTune.Cluster.Workers;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;
using static HyperTune.Cluster.Studies.StudyEvents;

namespace HyperTune.Cluster.Tests;

/// <summary>The trial lifecycle (pause, resume, prune) in the pure decider and state, with a fake scheduler.</summary>
public class StudyLifecycleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 7, 0, 0, TimeSpan.Zero);
    private static readonly WorkerNode[] OneNode = { new("a:1#1", 8, 0) };

    private static (StudyState State, IOptimizer Optimizer) Created(int maxTrials, int parallelism)
    {
        var state = StudyState.Create(new StudyCreated("quad", StudyDeciderTests.Spec(maxTrials, parallelism), T0));
        return (state, OptimizerFactory.Create(state.Spec.Optimizer, state.Spec.Space, state.Spec.Objective.Direction));
    }

    private static StudyState ApplyAll(StudyState s, IEnumerable<IStudyEvent> events) => events.Aggregate(s, (acc, e) => acc.Apply(e));

    private static Dictionary<string, double> Loss(double v) => new() { ["loss"] = v };

    /// <summary>Reports steps 1..<paramref name="to"/> of a trial's current dispatch with values value+step/100.</summary>
    private static StudyState Report(StudyState s, ITrialScheduler scheduler, int number, long to, double value, List<IStudyEvent>? seen = null)
    {
        var from = (s.Trials[number].LastIntermediate?.Step ?? 0) + 1;
        for (var step = from; step <= to; step++)
        {
            var events = StudyDecider.Progress(s, scheduler, number, s.LastDispatch[number], step, Loss(value + step / 100.0), T0);
            seen?.AddRange(events);
            s = ApplyAll(s, events);
        }
        return s;
    }

    [Fact]
    public void A_new_trial_carries_the_schedulers_stop_step_and_pauses_when_it_reports_it()
    {
        var scheduler = new FakeRungScheduler(rungSize: 2, milestone: 3, keep: 1);
        var (s, opt) = Created(maxTrials: 2, parallelism: 2);
        var planned = StudyDecider.Plan(s, opt, scheduler, OneNode, T0, 10);
        Assert.Equal(new long[] { 3, 3 }, planned.OfType<TrialStopAtStepSet>().Select(e => e.StopAtStep));
        s = ApplyAll(s, planned);
        Assert.All(s.Trials, t => Assert.Equal(3L, t.StopAtStep));
        Assert.All(s.Trials, t => Assert.Equal("0", t.Attributes["scheduler.rung"]));

        var seen = new List<IStudyEvent>();
        s = Report(s, scheduler, 0, 2, 1.0, seen);
        Assert.Empty(seen.OfType<TrialPaused>());
        s = Report(s, scheduler, 0, 3, 1.0, seen);
        var paused = Assert.Single(seen.OfType<TrialPaused>());
        Assert.Equal((0, 3L), (paused.Number, paused.Step));
        // Paused: no slot, no worker, not executing; counted apart; its step counts as spent.
        Assert.Equal(TrialState.Paused, s.Trials[0].State);
        Assert.Equal(3L, s.Trials[0].PausedAtStep);
        Assert.False(s.RunningOn.ContainsKey(0));
        Assert.Equal(1, s.Active);
        Assert.Equal((1, 3L), (s.Progress().Paused, s.Progress().Steps));
        // A late report of the paused trial's old dispatch changes nothing.
        Assert.Empty(StudyDecider.Progress(s, scheduler, 0, 1, 4, Loss(0.1), T0));
    }

    [Fact]
    public void A_synchronous_rung_resumes_the_best_from_its_paused_step_prunes_the_rest_and_the_study_finishes()
    {
        var scheduler = new FakeRungScheduler(rungSize: 3, milestone: 3, keep: 1);
        var (s, opt) = Created(maxTrials: 3, parallelism: 3);
        s = ApplyAll(s, StudyDecider.Plan(s, opt, scheduler, OneNode, T0, 10));
        s = Report(s, scheduler, 0, 3, 2.0);
        s = Report(s, scheduler, 1, 3, 1.0);
        // Two of three paused: the rung is open, nothing new may start (budget spent) and nothing resumes yet.
        var waiting = StudyDecider.Plan(s, opt, scheduler, OneNode, T0, 10);
        Assert.Empty(waiting);
        s = Report(s, scheduler, 2, 3, 3.0);

        var closed = StudyDecider.Plan(s, opt, scheduler, OneNode, T0, 10);
        var resumed = Assert.Single(closed.OfType<TrialResumed>());
        Assert.Equal((1, (long?)null), (resumed.Number, resumed.StopAtStep));
        Assert.Equal(new[] { (0, 3L), (2, 3L) }, closed.OfType<TrialPruned>().Select(p => (p.Number, p.Step)).OrderBy(p => p.Number));
        Assert.Equal(2.03, closed.OfType<TrialPruned>().Single(p => p.Number == 0).Value, 10);
        var redispatch = Assert.Single(closed.OfType<TrialDispatched>());
        Assert.Equal((1, 2), (redispatch.Number, redispatch.Dispatch));
        Assert.Empty(closed.OfType<StudyFinished>());
        s = ApplyAll(s, closed);
        Assert.Equal(TrialState.Running, s.Trials[1].State);
        Assert.Null(s.Trials[1].StopAtStep);

        // The resumed run reports from step 4 on; the study finishes when it completes.
        s = Report(s, scheduler, 1, 9, 0.5);
        Assert.Equal(TrialState.Running, s.Trials[1].State);
        s = ApplyAll(s, StudyDecider.Result(s, 1, 2, Loss(0.4), null, T0));
        var end = StudyDecider.Plan(s, opt, scheduler, OneNode, T0, 10);
        Assert.Contains(end, e => e is StudyFinished);
        s = ApplyAll(s, end);
        Assert.Equal((1, 2, 0), (s.Progress().Complete, s.Progress().Pruned, s.Progress().Paused));
        Assert.Equal(1, scheduler.Resumes[1]);
        Assert.Single(scheduler.Resumes);
    }

    [Fact]
    public void Paused_trials_left_when_the_scheduler_is_done_are_pruned_at_their_paused_step()
    {
        // keep 3 of 3 would resume them all; a scheduler that is simply done leaves them paused.
        var done = new DoneScheduler();
        var (s, opt) = Created(maxTrials: 2, parallelism: 2);
        var rung = new FakeRungScheduler(rungSize: 2, milestone: 2, keep: 1);
        s = ApplyAll(s, StudyDecider.Plan(s, opt, rung, OneNode, T0, 10));
        s = Report(s, rung, 0, 2, 1.0);
        s = Report(s, rung, 1, 2, 2.0);
        var end = StudyDecider.Plan(s, opt, done, OneNode, T0, 10);
        Assert.Equal(new[] { 0, 1 }, end.OfType<TrialPruned>().Select(p => p.Number));
        Assert.All(end.OfType<TrialPruned>(), p => Assert.Equal(2L, p.Step));
        Assert.IsType<StudyFinished>(end[^1]);
        s = ApplyAll(s, end);
        Assert.Equal((StudyStatus.Finished, 2), (s.Status, s.Progress().Pruned));
    }

    [Fact]
    public void A_scheduler_prune_on_a_report_stops_the_trial_with_its_value_and_frees_its_slot()
    {
        var scheduler = new FakeRungScheduler(rungSize: 0, milestone: 0, keep: 0, pruneAbove: 5);
        var (s, opt) = Created(maxTrials: 3, parallelism: 1);
        s = ApplyAll(s, StudyDecider.Plan(s, opt, scheduler, OneNode, T0, 10));
        var kept = StudyDecider.Progress(s, scheduler, 0, 1, 1, Loss(4.0), T0);
        Assert.IsType<TrialReported>(Assert.Single(kept));
        s = ApplyAll(s, kept);
        var pruned = StudyDecider.Progress(s, scheduler, 0, 1, 2, Loss(6.0), T0);
        Assert.Equal(2, pruned.Count);
        Assert.Equal(new TrialPruned(0, 2, 6.0, T0), pruned[1]);
        s = ApplyAll(s, pruned);
        Assert.Equal((TrialState.Pruned, 6.0), (s.Trials[0].State, s.Trials[0].Value));
        Assert.Equal(0, s.Active);
        var next = StudyDecider.Plan(s, opt, scheduler, OneNode, T0, 10);
        Assert.Equal(1, Assert.Single(next.OfType<TrialStarted>()).Number);
    }

    [Fact]
    public void A_scheduler_pause_on_a_report_pauses_the_trial()
    {
        var (s, opt) = Created(maxTrials: 1, parallelism: 1);
        s = ApplyAll(s, StudyDecider.Plan(s, opt, OneNode, T0, 10));
        var events = StudyDecider.Progress(s, new PauseAtScheduler(2), 0, 1, 2, Loss(1.0), T0);
        Assert.Equal(new TrialPaused(0, 2, T0), events[^1]);
    }

    [Fact]
    public void A_worker_that_says_its_run_paused_pauses_the_trial_once_and_a_paused_trials_late_result_is_ignored()
    {
        var (s, opt) = Created(maxTrials: 1, parallelism: 1);
        s = ApplyAll(s, StudyDecider.Plan(s, opt, OneNode, T0, 10));
        s = ApplyAll(s, StudyDecider.Progress(s, 0, 1, 4, Loss(1.0)));
        var paused = StudyDecider.Paused(s, 0, 1, T0);
        Assert.Equal(new TrialPaused(0, 4, T0), Assert.Single(paused));
        s = ApplyAll(s, paused);
        Assert.Empty(StudyDecider.Paused(s, 0, 1, T0));
        Assert.Empty(StudyDecider.Result(s, 0, 1, Loss(0.5), null, T0));
    }

    [Fact]
    public void An_optimizer_that_waits_with_nothing_running_finishes_the_study_instead_of_hanging()
    {
        var (s, _) = Created(maxTrials: 5, parallelism: 2);
        var waiting = new WaitingOptimizer();
        var scheduler = new RunToCompletionScheduler();
        var events = StudyDecider.Plan(s, waiting, scheduler, OneNode, T0, 10);
        var finished = Assert.IsType<StudyFinished>(Assert.Single(events));
        Assert.Contains("generation barrier", finished.Reason);

        // With a trial running, a wait just stops planning (and asks once, not in a loop).
        var (r, opt) = Created(maxTrials: 5, parallelism: 2);
        r = ApplyAll(r, StudyDecider.Plan(r, opt, OneNode, T0, 10));
        r = ApplyAll(r, StudyDecider.Result(r, 0, 1, Loss(1.0), null, T0));
        waiting.Asked = 0;
        Assert.Empty(StudyDecider.Plan(r, waiting, scheduler, OneNode, T0, 10));
        Assert.Equal(1, waiting.Asked);
    }

    [Fact]
    public void An_old_journal_without_stop_steps_replays_to_trials_that_run_to_the_end()
    {
        // The events a version without pausing wrote: TrialStarted has its old shape, nothing sets a stop step.
        var (s, _) = Created(maxTrials: 2, parallelism: 1);
        var config = Core.Spaces.Configuration.From(new Dictionary<string, object> { ["x"] = 1.0, ["y"] = 2.0 });
        s = ApplyAll(s, new IStudyEvent[]
        {
            new TrialStarted(0, config, System.Collections.Immutable.ImmutableDictionary<string, string>.Empty, T0),
            new TrialDispatched(0, 1, "a:1#1", T0),
            new TrialReported(0, 1, 3.0),
            new TrialReported(0, 2, 2.0),
        });
        Assert.Null(s.Trials[0].StopAtStep);
        var events = StudyDecider.Progress(s, new RunToCompletionScheduler(), 0, 1, 3, Loss(1.0), T0);
        Assert.IsType<TrialReported>(Assert.Single(events));
        var snapshot = StudyState.FromSnapshot(ApplyAll(s, events).ToSnapshot());
        Assert.Equal(3, snapshot.Trials[0].Intermediate.Count);
    }

    [Fact]
    public void A_snapshot_keeps_paused_trials_and_their_stop_steps()
    {
        var scheduler = new FakeRungScheduler(rungSize: 2, milestone: 3, keep: 1);
        var (s, opt) = Created(maxTrials: 2, parallelism: 2);
        s = ApplyAll(s, StudyDecider.Plan(s, opt, scheduler, OneNode, T0, 10));
        s = Report(s, scheduler, 0, 3, 1.0);
        var back = StudyState.FromSnapshot(s.ToSnapshot());
        Assert.Equal((TrialState.Paused, 3L, 3L), (back.Trials[0].State, back.Trials[0].PausedAtStep, back.Trials[0].StopAtStep!.Value));
        Assert.Equal((TrialState.Running, 3L), (back.Trials[1].State, back.Trials[1].StopAtStep!.Value));
        Assert.Equal(1, back.Active);
    }

    [Fact]
    public void A_scheduler_that_pauses_is_refused_for_a_process_without_checkpoints_and_accepted_with_them()
    {
        static StudySpec Process(string extra) => StudySpecParser.Parse($$"""
            {
              "name": "p",
              "objective": { "metric": "loss", "direction": "minimize" },
              "trainable": { "type": "process", "command": "python3" {{extra}} },
              "space": [ { "name": "x", "type": "float", "low": 0, "high": 1 } ],
              "budget": { "maxTrials": 5 }
            }
            """);
        var pausing = new FakeRungScheduler(rungSize: 2, milestone: 3, keep: 1);
        var e = Assert.Throws<SpecException>(() => StudyDecider.CheckTrainable(Process(""), pausing));
        Assert.Contains("scheduler", e.Message);
        Assert.Contains("\"checkpoints\": true", e.Message);
        StudyDecider.CheckTrainable(Process(", \"checkpoints\": true"), pausing);
        StudyDecider.CheckTrainable(Process(""), new RunToCompletionScheduler());
        StudyDecider.CheckTrainable(StudySpecParser.Parse(StudyDeciderTests.Spec()), pausing);
    }

    [Fact]
    public void A_scheduler_that_waits_or_asks_for_a_new_trial_when_none_can_start_with_nothing_running_ends_the_study()
    {
        var (s, opt) = Created(maxTrials: 1, parallelism: 1);
        s = ApplyAll(s, StudyDecider.Plan(s, opt, OneNode, T0, 10));
        s = ApplyAll(s, StudyDecider.Result(s, 0, 1, Loss(1.0), null, T0));
        var waits = StudyDecider.Plan(s, opt, new AlwaysScheduler(SlotDecision.Wait("rung open")), OneNode, T0, 10);
        Assert.Equal(StudyState.BudgetReached, Assert.IsType<StudyFinished>(Assert.Single(waits)).Reason);
        var starts = StudyDecider.Plan(s, opt, new AlwaysScheduler(SlotDecision.StartNew()), OneNode, T0, 10);
        Assert.IsType<StudyFinished>(Assert.Single(starts));

        // With a trial running, a wait is just a wait.
        var (r, ropt) = Created(maxTrials: 3, parallelism: 2);
        r = ApplyAll(r, StudyDecider.Plan(r, ropt, new AlwaysScheduler(SlotDecision.StartNew(3)), OneNode, T0, 10));
        Assert.Equal(2, r.Active);
        r = ApplyAll(r, StudyDecider.Result(r, 0, 1, Loss(1.0), null, T0));
        Assert.Empty(StudyDecider.Plan(r, ropt, new AlwaysScheduler(SlotDecision.Wait("rung open")), OneNode, T0, 10));
    }

    private sealed class AlwaysScheduler(SlotDecision decision) : ITrialScheduler
    {
        public bool PausesTrials => false;
        public ReportDecision OnReport(TrialHistory history, int trialNumber) => ReportDecision.Continue;
        public SlotDecision OnSlotFree(SchedulerContext context) => decision;
        public IReadOnlyList<RungSummary> Rungs(TrialHistory history) => Array.Empty<RungSummary>();
    }

    private sealed class DoneScheduler : ITrialScheduler
    {
        public bool PausesTrials => true;
        public ReportDecision OnReport(TrialHistory history, int trialNumber) => ReportDecision.Continue;
        public SlotDecision OnSlotFree(SchedulerContext context) => SlotDecision.Done("all brackets done");
        public IReadOnlyList<RungSummary> Rungs(TrialHistory history) => Array.Empty<RungSummary>();
    }

    private sealed class PauseAtScheduler(long step) : ITrialScheduler
    {
        public bool PausesTrials => true;
        public ReportDecision OnReport(TrialHistory history, int trialNumber) =>
            history.Trials[trialNumber].LastIntermediate!.Step >= step ? ReportDecision.Pause("milestone") : ReportDecision.Continue;
        public SlotDecision OnSlotFree(SchedulerContext context) => SlotDecision.StartNew();
        public IReadOnlyList<RungSummary> Rungs(TrialHistory history) => Array.Empty<RungSummary>();
    }

    private sealed class WaitingOptimizer : IOptimizer
    {
        public int Asked { get; set; }

        public OptimizerAnswer Ask(TrialHistory history, int trialNumber)
        {
            Asked++;
            return OptimizerAnswer.Wait("generation barrier");
        }
    }
}
