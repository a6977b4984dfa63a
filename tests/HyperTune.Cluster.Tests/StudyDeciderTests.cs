using System.Collections.Immutable;
using System.Text.Json;
using HyperTune.Cluster.Studies;
using HyperTune.Cluster.Workers;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;
using static HyperTune.Cluster.Studies.StudyEvents;

namespace HyperTune.Cluster.Tests;

public class StudyDeciderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    internal static string Spec(int maxTrials = 10, int parallelism = 3, int maxRetries = 1, string optimizer = "\"type\":\"random\",\"seed\":1", string extra = "") => $$"""
        {
          "name": "quad",
          "objective": { "metric": "loss", "direction": "minimize" },
          "trainable": { "type": "function", "function": "branin" },
          "space": [ { "name": "x", "type": "float", "low": -5, "high": 10 }, { "name": "y", "type": "float", "low": 0, "high": 15 } ],
          "optimizer": { {{optimizer}} },
          "budget": { "maxTrials": {{maxTrials}}, "parallelism": {{parallelism}} {{extra}} },
          "maxRetries": {{maxRetries}}
        }
        """;

    private static (StudyState State, IOptimizer Optimizer) Created(string spec)
    {
        var state = StudyState.Create(new StudyCreated("quad", spec, T0));
        return (state, OptimizerFactory.Create(state.Spec.Optimizer, state.Spec.Space, state.Spec.Objective.Direction));
    }

    private static StudyState ApplyAll(StudyState s, IEnumerable<IStudyEvent> events) => events.Aggregate(s, (acc, e) => acc.Apply(e));

    // A synchronous population of the toy problem, ranked every 4 of its 12 steps, all members at once.
    private static string PbtSpec(int members, string extra = "") => $$"""
        {
          "name": "pbt", "objective": { "metric": "q", "direction": "maximize" },
          "trainable": { "type": "function", "function": "pbt-toy", "steps": 12 },
          "space": [ { "name": "h0", "type": "float", "low": 0, "high": 1 }, { "name": "h1", "type": "float", "low": 0, "high": 1 } ],
          "optimizer": { "type": "random", "seed": 1 },
          "scheduler": { "type": "pbt", "perturbationInterval": 4, "synchronous": true },
          "budget": { "maxTrials": {{members}}, "parallelism": {{members}} }{{extra}}
        }
        """;

    private static readonly WorkerNode[] OneNode = { new("a:1#1", 8, 0) };

    private static Core.Schedulers.ITrialScheduler PbtScheduler(StudyState s) =>
        StudyDecider.SchedulerFor(s.Spec, Trainables.TrainableFactory.Create(s.Spec));

    [Fact]
    public void A_started_population_cannot_grow_but_its_budget_may_change_otherwise()
    {
        var spec = PbtSpec(members: 2);
        var s = StudyState.Create(new StudyCreated("pbt", spec, T0));
        // Not started yet: a larger population is fine.
        Assert.Null(StudyDecider.Submit(s, new StudyProtocol.SubmitStudy("pbt", spec,
            new StudyProtocol.BudgetOverride(3, null)), T0).Rejection);
        s = ApplyAll(s, StudyDecider.Plan(s, OptimizerFactory.Create(s.Spec.Optimizer, s.Spec.Space,
            s.Spec.Objective.Direction), PbtScheduler(s), OneNode, T0, 10, finalStep: 12));
        Assert.Equal(2, s.Trials.Count);
        var (events, rejection) = StudyDecider.Submit(s, new StudyProtocol.SubmitStudy("pbt", spec,
            new StudyProtocol.BudgetOverride(3, null)), T0);
        Assert.Empty(events);
        Assert.Contains("population of 2 members that has started", rejection);
        Assert.Contains("keep maxTrials at most 2", rejection);
        // Another parallelism, or a population fixed below the budget, adds no member.
        Assert.Null(StudyDecider.Submit(s, new StudyProtocol.SubmitStudy("pbt", spec,
            new StudyProtocol.BudgetOverride(null, 1)), T0).Rejection);
        var fixedSize = PbtSpec(members: 2)
            .Replace("\"synchronous\": true", "\"synchronous\": true, \"populationSize\": 2");
        var f = StudyState.Create(new StudyCreated("fixed", fixedSize, T0));
        f = ApplyAll(f, StudyDecider.Plan(f, OptimizerFactory.Create(f.Spec.Optimizer, f.Spec.Space,
            f.Spec.Objective.Direction), PbtScheduler(f), OneNode, T0, 10, finalStep: 12));
        Assert.Null(StudyDecider.Submit(f, new StudyProtocol.SubmitStudy("fixed", fixedSize,
            new StudyProtocol.BudgetOverride(5, null)), T0).Rejection);
    }

    [Fact]
    public void A_multi_objective_result_must_report_every_objective_and_completes_with_the_first_as_its_value()
    {
        var spec = Spec(parallelism: 2).Replace("\"objective\": { \"metric\": \"loss\", \"direction\": \"minimize\" }",
            "\"objective\": { \"metrics\": [ { \"name\": \"loss\", \"direction\": \"minimize\" }, { \"name\": \"ms\", \"direction\": \"minimize\" } ] }");
        var (s, opt) = Created(spec);
        s = ApplyAll(s, StudyDecider.Plan(s, opt, OneNode, T0, 10));
        var missing = StudyDecider.Result(s, 0, 1, new Dictionary<string, double> { ["loss"] = 0.5 }, null, T0);
        Assert.Contains(missing.OfType<TrialFailed>(), f => f.Reason.Contains("metric 'ms' missing from the final report"));
        var done = StudyDecider.Result(s, 1, 1, new Dictionary<string, double> { ["loss"] = 0.5, ["ms"] = 20 }, null, T0);
        var completed = done.OfType<TrialCompleted>().Single();
        Assert.Equal((0.5, 20.0), (completed.Value, completed.Metrics["ms"]));
        s = ApplyAll(s, done);
        Assert.Equal(new[] { 1 }, s.Progress().Front!.Select(m => m.Number));
        Assert.Equal(20.0, s.Progress().Front!.Single().Values["ms"]);
    }

    [Fact]
    public void Planning_starts_trials_up_to_parallelism_and_dispatches_them()
    {
        var (s, opt) = Created(Spec(parallelism: 3));
        var events = StudyDecider.Plan(s, opt, OneNode, T0, 10);
        Assert.Equal(3, events.OfType<TrialStarted>().Count());
        Assert.Equal(new[] { 0, 1, 2 }, events.OfType<TrialDispatched>().Select(d => d.Number));
        Assert.All(events.OfType<TrialDispatched>(), d => Assert.Equal(1, d.Dispatch));
        s = ApplyAll(s, events);
        Assert.Empty(StudyDecider.Plan(s, opt, OneNode, T0, 10));
    }

    [Fact]
    public void A_step_budget_starts_a_trial_only_if_it_can_run_to_its_last_step_and_ends_the_study_when_none_fits()
    {
        var (s, opt) = Created(Spec(parallelism: 3, extra: ", \"maxSteps\": 60"));
        var first = StudyDecider.Plan(s, opt, NoScheduler, OneNode, T0, 10, finalStep: 27);
        // 27 + 27 fit in 60; a third run would need 81.
        Assert.Equal(new[] { 0, 1 }, first.OfType<TrialStarted>().Select(t => t.Number));
        s = ApplyAll(s, first);

        // Trial 0 is pruned at step 2: 2 + 27 (trial 1 may still run to the end) + 27 = 56 fit, so trial 2 starts.
        s = ApplyAll(s, new IStudyEvent[] { new TrialReported(0, 1, 5.0), new TrialReported(0, 2, 4.0), new TrialPruned(0, 2, 4.0, T0) });
        var second = StudyDecider.Plan(s, opt, NoScheduler, OneNode, T0, 10, finalStep: 27);
        Assert.Equal(new[] { 2 }, second.OfType<TrialStarted>().Select(t => t.Number));
        s = ApplyAll(s, second);

        // Both complete (a whole run each, reports or not): 2 + 27 + 27 = 56 spent, no run fits in the 4 left.
        s = ApplyAll(s, new IStudyEvent[]
        {
            new TrialCompleted(1, 1.0, ImmutableDictionary<string, double>.Empty, T0),
            new TrialCompleted(2, 2.0, ImmutableDictionary<string, double>.Empty, T0),
        });
        var last = StudyDecider.Plan(s, opt, NoScheduler, OneNode, T0, 10, finalStep: 27);
        Assert.Empty(last.OfType<TrialStarted>());
        Assert.Equal(StudyDecider.StepBudgetReached, Assert.Single(last.OfType<StudyFinished>()).Reason);
    }

    [Fact]
    public void A_step_budget_on_a_trainable_that_does_not_say_how_many_steps_it_runs_is_refused_at_submit()
    {
        var spec = StudySpecParser.Parse(Spec(extra: ", \"maxSteps\": 60"));
        var e = Assert.Throws<SpecException>(() => StudyDecider.CheckTrainable(spec));
        Assert.Equal("budget.maxSteps", e.Path);
        Assert.Contains("give trainable.steps", e.Message);
        // With the steps declared it is accepted.
        StudyDecider.CheckTrainable(StudySpecParser.Parse(Spec(extra: ", \"maxSteps\": 60")
            .Replace("\"function\": \"branin\" }", "\"function\": \"branin\", \"steps\": 20 }")));
    }

    [Fact]
    public void A_resubmission_may_not_change_the_step_budget()
    {
        var spec = Spec(extra: ", \"maxSteps\": 60");
        var (s, _) = Created(spec);
        var (events, rejection) = StudyDecider.Submit(s,
            new StudyProtocol.SubmitStudy("quad", Spec(extra: ", \"maxSteps\": 90")), T0);
        Assert.Empty(events);
        Assert.Contains("budget.maxSteps 60", rejection);
        Assert.Null(StudyDecider.Submit(s, new StudyProtocol.SubmitStudy("quad", spec), T0).Rejection);
    }

    private static readonly Core.Schedulers.ITrialScheduler NoScheduler =
        Core.Schedulers.SchedulerFactory.Create(Core.Specs.SchedulerSpec.None, StudyDirection.Minimize, null);

    [Fact]
    public void Without_a_free_worker_trials_wait_and_placement_follows_free_slots()
    {
        var (s, opt) = Created(Spec(parallelism: 5));
        var waiting = StudyDecider.Plan(s, opt, Array.Empty<WorkerNode>(), T0, 10);
        Assert.Equal(5, waiting.OfType<TrialStarted>().Count());
        Assert.Empty(waiting.OfType<TrialDispatched>());
        s = ApplyAll(s, waiting);

        // Node b has 3 free slots, node a 2 (one busy elsewhere): trials spread in proportion to free slots.
        var nodes = new[] { new WorkerNode("a:1#1", 3, 1), new WorkerNode("b:1#1", 3, 0) };
        var dispatched = StudyDecider.Plan(s, opt, nodes, T0, 10).OfType<TrialDispatched>().ToList();
        Assert.Equal(5, dispatched.Count);
        Assert.Equal(3, dispatched.Count(d => d.NodeKey == "b:1#1"));
        Assert.Equal(2, dispatched.Count(d => d.NodeKey == "a:1#1"));
    }

    [Fact]
    public void Results_complete_trials_and_a_duplicate_or_late_result_changes_nothing()
    {
        var (s, opt) = Created(Spec());
        s = ApplyAll(s, StudyDecider.Plan(s, opt, OneNode, T0, 10));
        var metrics = new Dictionary<string, double> { ["loss"] = 1.5 };
        var done = StudyDecider.Result(s, 1, 1, metrics, null, T0);
        Assert.IsType<TrialCompleted>(Assert.Single(done));
        s = ApplyAll(s, done);
        Assert.Empty(StudyDecider.Result(s, 1, 1, metrics, null, T0));
        Assert.Empty(StudyDecider.Result(s, 1, 1, new Dictionary<string, double> { ["loss"] = 0.1 }, null, T0));
        Assert.Equal(1.5, s.Trials[1].Value);
    }

    [Fact]
    public void A_failure_is_retried_up_to_max_retries_then_final()
    {
        var (s, opt) = Created(Spec(maxRetries: 1));
        s = ApplyAll(s, StudyDecider.Plan(s, opt, OneNode, T0, 10));
        var first = StudyDecider.Result(s, 0, 1, new Dictionary<string, double>(), "crashed", T0);
        Assert.False(Assert.IsType<TrialFailed>(Assert.Single(first)).Final);
        s = ApplyAll(s, first);
        Assert.Equal(TrialState.Waiting, s.Trials[0].State);
        var redispatch = StudyDecider.Plan(s, opt, OneNode, T0, 10).OfType<TrialDispatched>().Single(d => d.Number == 0);
        Assert.Equal(2, redispatch.Dispatch);
        s = s.Apply(redispatch);
        // A failure reported by the superseded dispatch does not count twice.
        Assert.Empty(StudyDecider.Result(s, 0, 1, new Dictionary<string, double>(), "crashed again", T0));
        var second = StudyDecider.Result(s, 0, 2, new Dictionary<string, double> { ["loss"] = double.NaN }, null, T0);
        var final = Assert.IsType<TrialFailed>(Assert.Single(second));
        Assert.True(final.Final);
        Assert.Contains("NaN", final.Reason);
    }

    [Fact]
    public void An_earlier_dispatch_that_completes_after_a_requeue_is_accepted()
    {
        var (s, opt) = Created(Spec());
        s = ApplyAll(s, StudyDecider.Plan(s, opt, OneNode, T0, 10));
        s = ApplyAll(s, StudyDecider.WorkerLost(s, 2, 1, "node lost", T0));
        s = ApplyAll(s, StudyDecider.Plan(s, opt, OneNode, T0, 10));
        Assert.Equal(2, s.LastDispatch[2]);
        var late = StudyDecider.Result(s, 2, 1, new Dictionary<string, double> { ["loss"] = 3.0 }, null, T0);
        Assert.IsType<TrialCompleted>(Assert.Single(late));
        // Losing a worker of a superseded dispatch does not requeue again.
        Assert.Empty(StudyDecider.WorkerLost(s, 2, 1, "node lost", T0));
    }

    [Fact]
    public void The_study_finishes_when_the_budget_is_spent_and_more_budget_reopens_it()
    {
        var (s, opt) = Created(Spec(maxTrials: 4, parallelism: 2));
        for (var round = 0; round < 10 && s.Status == StudyStatus.Running; round++)
        {
            s = ApplyAll(s, StudyDecider.Plan(s, opt, OneNode, T0, 10));
            foreach (var n in s.RunningOn.Keys.ToList())
                s = ApplyAll(s, StudyDecider.Result(s, n, s.LastDispatch[n], new Dictionary<string, double> { ["loss"] = n }, null, T0));
        }
        Assert.Equal(StudyStatus.Finished, s.Status);
        Assert.Equal(StudyState.BudgetReached, s.FinishReason);
        Assert.Equal(new[] { 0, 1, 2, 3 }, s.Trials.Select(t => t.Number));

        var (events, rejection) = StudyDecider.Submit(s, new StudyProtocol.SubmitStudy("quad", Spec(maxTrials: 6, parallelism: 2)), T0);
        Assert.Null(rejection);
        s = ApplyAll(s, events);
        Assert.Equal(StudyStatus.Running, s.Status);
        Assert.Equal(2, StudyDecider.Plan(s, opt, OneNode, T0, 10).OfType<TrialStarted>().Count());
    }

    [Fact]
    public void A_smaller_budget_stops_the_study_at_the_trials_it_has_started()
    {
        var (s, opt) = Created(Spec(maxTrials: 10, parallelism: 3));
        s = ApplyAll(s, StudyDecider.Plan(s, opt, OneNode, T0, 10));
        Assert.Equal(3, s.Trials.Count);

        var (events, rejection) = StudyDecider.Submit(s, new StudyProtocol.SubmitStudy("quad", Spec(maxTrials: 2, parallelism: 3)), T0);
        Assert.Null(rejection);
        s = ApplyAll(s, events);
        Assert.Equal(3, s.MaxTrials);
        Assert.Empty(StudyDecider.Plan(s, opt, OneNode, T0, 10).OfType<TrialStarted>());
        foreach (var n in s.RunningOn.Keys.ToList())
            s = ApplyAll(s, StudyDecider.Result(s, n, s.LastDispatch[n], new Dictionary<string, double> { ["loss"] = n }, null, T0));
        s = ApplyAll(s, StudyDecider.Plan(s, opt, OneNode, T0, 10));
        Assert.Equal(StudyStatus.Finished, s.Status);
        Assert.Equal(3, s.Trials.Count);
    }

    [Fact]
    public void Resubmitting_a_different_spec_is_refused()
    {
        var (s, _) = Created(Spec());
        var (events, rejection) = StudyDecider.Submit(s, new StudyProtocol.SubmitStudy("quad", Spec(optimizer: "\"type\":\"random\",\"seed\":2")), T0);
        Assert.Empty(events);
        Assert.Contains("already exists with a different spec", rejection);
    }

    [Fact]
    public void A_grid_that_runs_out_finishes_the_study_early_and_the_wall_clock_limit_stops_new_trials()
    {
        var grid = Spec(maxTrials: 100, parallelism: 4, optimizer: "\"type\":\"grid\",\"gridPoints\":2");
        var (s, opt) = Created(grid);
        for (var round = 0; round < 10 && s.Status == StudyStatus.Running; round++)
        {
            s = ApplyAll(s, StudyDecider.Plan(s, opt, OneNode, T0, 10));
            foreach (var n in s.RunningOn.Keys.ToList())
                s = ApplyAll(s, StudyDecider.Result(s, n, s.LastDispatch[n], new Dictionary<string, double> { ["loss"] = n }, null, T0));
        }
        Assert.Equal("search space exhausted", s.FinishReason);
        Assert.Equal(4, s.Trials.Count);

        var (t, topt) = Created(Spec(maxTrials: 100, extra: ", \"wallClockLimit\": \"10m\""));
        t = ApplyAll(t, StudyDecider.Plan(t, topt, OneNode, T0, 10));
        var n0 = t.RunningOn.Keys.First();
        t = ApplyAll(t, StudyDecider.Result(t, n0, 1, new Dictionary<string, double> { ["loss"] = 1 }, null, T0.AddMinutes(11)));
        Assert.Empty(StudyDecider.Plan(t, topt, OneNode, T0.AddMinutes(11), 10).OfType<TrialStarted>());
    }

    [Fact]
    public void A_trial_that_keeps_losing_its_worker_is_failed()
    {
        var (s, opt) = Created(Spec(parallelism: 1));
        s = ApplyAll(s, StudyDecider.Plan(s, opt, OneNode, T0, 2));
        for (var i = 0; i < 3; i++)
        {
            s = ApplyAll(s, StudyDecider.WorkerLost(s, 0, s.LastDispatch[0], "node lost", T0));
            s = ApplyAll(s, StudyDecider.Plan(s, opt, OneNode, T0, 2));
        }
        Assert.Equal(TrialState.Failed, s.Trials[0].State);
        Assert.Contains("lost its worker 3 times", s.Trials[0].FailureReason);
    }

    [Fact]
    public void Stopping_cancels_unfinished_trials_and_counts_them_apart_from_failures()
    {
        var (s, opt) = Created(Spec(parallelism: 3));
        s = ApplyAll(s, StudyDecider.Plan(s, opt, OneNode, T0, 10));
        s = ApplyAll(s, StudyDecider.Result(s, 0, 1, new Dictionary<string, double> { ["loss"] = 2 }, null, T0));

        var stop = StudyDecider.Stop(s, "enough", T0);
        s = ApplyAll(s, stop);

        Assert.Equal(new[] { 1, 2 }, stop.OfType<TrialCancelled>().Select(c => c.Number));
        Assert.Empty(stop.OfType<TrialFailed>());
        var p = s.Progress();
        Assert.Equal((1, 0, 2, 0, 3), (p.Complete, p.Failed, p.Cancelled, p.Running, p.Done));
        Assert.Equal(TrialState.Cancelled, s.Trials[1].State);
        Assert.Empty(s.RunningOn);
        Assert.Equal(StudyStatus.Finished, s.Status);
    }

    [Fact]
    public void A_stop_recorded_by_an_earlier_version_replays_as_failed_trials()
    {
        var (s, opt) = Created(Spec(parallelism: 2));
        s = ApplyAll(s, StudyDecider.Plan(s, opt, OneNode, T0, 10));
        // The events an earlier version wrote for a stop.
        s = ApplyAll(s, new IStudyEvent[]
        {
            new TrialFailed(0, "study stopped: enough", true, T0),
            new TrialFailed(1, "study stopped: enough", true, T0),
            new StudyFinished("stopped: enough", T0),
        });
        Assert.Equal((2, 0, StudyStatus.Finished), (s.Progress().Failed, s.Progress().Cancelled, s.Status));
    }

    [Fact]
    public void A_dispatched_trial_is_queued_until_its_worker_begins_it_and_again_after_a_requeue()
    {
        var (s, opt) = Created(Spec(parallelism: 2));
        s = ApplyAll(s, StudyDecider.Plan(s, opt, OneNode, T0, 10));
        Assert.Equal((0, 2), (s.Progress().Running, s.Progress().Queued));

        var began = T0.AddSeconds(7);
        var started = StudyDecider.ExecutionStarted(s, 0, 1, began);
        s = ApplyAll(s, started);
        Assert.Equal((1, 1, began), (s.Progress().Running, s.Progress().Queued, s.Trials[0].StartedAt));
        // Reported again (a coordinator re-attached): nothing new; a stale dispatch: nothing either.
        Assert.Empty(StudyDecider.ExecutionStarted(s, 0, 1, began));
        Assert.Empty(StudyDecider.ExecutionStarted(s, 1, 2, began));

        s = ApplyAll(s, StudyDecider.WorkerLost(s, 0, 1, "gone", T0));
        s = ApplyAll(s, StudyDecider.Plan(s, opt, OneNode, T0, 10));
        Assert.Equal((0, 2, 2), (s.Progress().Running, s.Progress().Queued, s.LastDispatch[0]));
        Assert.Single(StudyDecider.ExecutionStarted(s, 0, 2, began));
    }

    [Fact]
    public void A_population_member_in_the_bottom_part_is_exploited_before_it_resumes_and_its_lineage_kept()
    {
        var spec = PbtSpec(members: 2);
        var (s, opt) = Created(spec);
        var scheduler = StudyDecider.SchedulerFor(s.Spec, Trainables.TrainableFactory.Create(s.Spec));
        s = ApplyAll(s, StudyDecider.Plan(s, opt, scheduler, OneNode, T0, 10, finalStep: 12));
        Assert.All(s.Trials, t => Assert.Equal((TrialState.Running, (long?)4), (t.State, t.StopAtStep)));
        // Both reach step 4 and pause there; trial 1 is worse (maximizing).
        foreach (var (number, value) in new[] { (0, 0.9), (1, 0.5) })
            for (var step = 1; step <= 4; step++)
                s = ApplyAll(s, StudyDecider.Progress(s, scheduler, number, 1, step,
                    new Dictionary<string, double> { ["q"] = step == 4 ? value : 0.1 }, T0, 12));
        Assert.All(s.Trials, t => Assert.Equal(TrialState.Paused, t.State));

        var events = StudyDecider.Plan(s, opt, scheduler, OneNode, T0, 10, finalStep: 12);
        var exploited = Assert.Single(events.OfType<TrialExploited>());
        Assert.Equal((1, 0, 4L), (exploited.Number, exploited.Donor, exploited.Step));
        var order = events.Select(e => e.GetType().Name).ToList();
        Assert.True(order.IndexOf(nameof(TrialExploited)) < order.LastIndexOf(nameof(TrialResumed)));
        var before = s.Trials[1].Params;
        s = ApplyAll(s, events);
        var member = s.Trials[1];
        Assert.Equal(exploited.Params, member.Params);
        var entry = Assert.Single(member.Lineage);
        Assert.Equal((4L, 0, before, exploited.Params), (entry.Step, entry.Donor, entry.Before, entry.After));
        Assert.All(s.Trials, t => Assert.Equal((TrialState.Running, (long?)8), (t.State, t.StopAtStep)));
    }

    [Fact]
    public void A_member_that_crashes_for_good_does_not_stall_a_synchronous_population_round()
    {
        // Ray Tune's synchronous PBT waits for a crashed member; here a member that failed for good leaves the round.
        var spec = PbtSpec(members: 3, extra: ",\n  \"maxRetries\": 0");
        var (s, opt) = Created(spec);
        var scheduler = StudyDecider.SchedulerFor(s.Spec, Trainables.TrainableFactory.Create(s.Spec));
        s = ApplyAll(s, StudyDecider.Plan(s, opt, scheduler, OneNode, T0, 10, finalStep: 12));
        foreach (var (number, last) in new[] { (0, 4), (1, 4), (2, 2) })
            for (var step = 1; step <= last; step++)
                s = ApplyAll(s, StudyDecider.Progress(s, scheduler, number, 1, step,
                    new Dictionary<string, double> { ["q"] = 0.1 * (number + 1) }, T0, 12));
        // Members 0 and 1 wait at step 4 for member 2.
        Assert.DoesNotContain(StudyDecider.Plan(s, opt, scheduler, OneNode, T0, 10, finalStep: 12), e => e is TrialResumed);

        s = ApplyAll(s, StudyDecider.Result(s, 2, 1, new Dictionary<string, double>(), "exited with code 139", T0));
        Assert.Equal(TrialState.Failed, s.Trials[2].State);
        var events = StudyDecider.Plan(s, opt, scheduler, OneNode, T0, 10, finalStep: 12);
        Assert.Equal(new[] { 0, 1 }, events.OfType<TrialResumed>().Select(r => r.Number).Order());
        // Ranked between the two of them: member 0 (worse) continues from member 1's checkpoint.
        Assert.Equal((0, 1), events.OfType<TrialExploited>().Select(x => (x.Number, x.Donor)).Single());
    }

    [Fact]
    public void Enqueued_configurations_start_before_the_optimizers_own_each_exactly_once()
    {
        var (s, opt) = Created(Spec(maxTrials: 6, parallelism: 3));
        s = ApplyAll(s, StudyDecider.Enqueue(s, "[{\"x\": 1.5, \"y\": 2}, {\"x\": -5, \"y\": 15}]", T0));
        Assert.Equal(2, s.Enqueued.Count);
        var planned = StudyDecider.Plan(s, opt, OneNode, T0, 10);
        s = ApplyAll(s, planned);
        var started = planned.OfType<TrialStarted>().ToList();
        Assert.Equal(3, started.Count);
        Assert.Equal(1.5, (double)started[0].Params["x"]);
        Assert.Equal(15.0, (double)started[1].Params["y"]);
        Assert.Equal("true", started[0].Attributes[StudyState.EnqueuedAttribute]);
        Assert.Equal("true", started[1].Attributes[StudyState.EnqueuedAttribute]);
        // The third is the optimizer's: the queue is used up, and planning again starts no copy of the enqueued ones.
        Assert.False(started[2].Attributes.ContainsKey(StudyState.EnqueuedAttribute));
        Assert.Empty(s.Enqueued);
        var done = StudyDecider.Result(s, 0, 1, new Dictionary<string, double> { ["loss"] = 3 }, null, T0);
        s = ApplyAll(s, done);
        Assert.DoesNotContain(StudyDecider.Plan(s, opt, OneNode, T0, 10).OfType<TrialStarted>(),
            t => t.Attributes.ContainsKey(StudyState.EnqueuedAttribute));
    }

    [Fact]
    public void An_enqueued_configuration_outside_the_space_or_past_the_budget_or_on_a_finished_study_is_refused()
    {
        var (s, _) = Created(Spec(maxTrials: 2, parallelism: 1));
        var outside = Assert.Throws<SpecException>(() => StudyDecider.Enqueue(s, "{\"x\": 50, \"y\": 1}", T0));
        Assert.Contains("params.x", outside.Message);
        var unknown = Assert.Throws<SpecException>(() => StudyDecider.Enqueue(s, "{\"z\": 1}", T0));
        Assert.Contains("not a parameter", unknown.Message);
        Assert.Throws<SpecException>(() => StudyDecider.Enqueue(s, "{\"x\": 1}", T0));
        Assert.Throws<SpecException>(() => StudyDecider.Enqueue(s, "not json", T0));
        var full = Assert.Throws<InvalidOperationException>(() =>
            StudyDecider.Enqueue(s, "[{\"x\": 1, \"y\": 1}, {\"x\": 2, \"y\": 1}, {\"x\": 3, \"y\": 1}]", T0));
        Assert.Contains("room for 2", full.Message);
        s = ApplyAll(s, StudyDecider.Stop(s, "enough", T0));
        Assert.Throws<InvalidOperationException>(() => StudyDecider.Enqueue(s, "{\"x\": 1, \"y\": 1}", T0));
    }

    [Fact]
    public void A_held_study_starts_and_dispatches_nothing_until_it_is_resumed()
    {
        var (s, opt) = Created(Spec(maxTrials: 6, parallelism: 2));
        s = ApplyAll(s, StudyDecider.Plan(s, opt, OneNode, T0, 10));
        Assert.Equal(2, s.Trials.Count);
        s = ApplyAll(s, StudyDecider.Pause(s, "GPU maintenance", T0));
        Assert.True(s.IsPaused);
        Assert.Empty(StudyDecider.Pause(s, "again", T0));
        // Its two trials finish; nothing new starts, and the study does not finish either.
        foreach (var t in s.Trials.ToList())
            s = ApplyAll(s,
                StudyDecider.Result(s, t.Number, 1, new Dictionary<string, double> { ["loss"] = 1 }, null, T0));
        Assert.Empty(StudyDecider.Plan(s, opt, OneNode, T0, 10));
        Assert.Equal("paused", Api.StudyJson.StatusOf(s.Progress()));
        Assert.Equal("GPU maintenance", s.Progress().PauseReason);

        s = ApplyAll(s, StudyDecider.Resume(s, T0));
        Assert.False(s.IsPaused);
        Assert.Empty(StudyDecider.Resume(s, T0));
        Assert.Equal(2, StudyDecider.Plan(s, opt, OneNode, T0, 10).OfType<TrialStarted>().Count());
        s = ApplyAll(s, StudyDecider.Stop(s, "enough", T0));
        Assert.Throws<InvalidOperationException>(() => StudyDecider.Pause(s, "late", T0));
    }
}
