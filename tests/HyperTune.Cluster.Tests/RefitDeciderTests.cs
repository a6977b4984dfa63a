using HyperTune.Cluster.Studies;
using HyperTune.Cluster.Workers;
using HyperTune.Core.Optimizers;
using static HyperTune.Cluster.Studies.StudyEvents;

namespace HyperTune.Cluster.Tests;

/// <summary>
/// A study's refit: asked for once when the study finishes, sent to the node with the most free slots, recorded
/// with its scores, tried again after a failure or a lost worker until the attempts run out, asked for again by an
/// operator.
/// </summary>
public class RefitDeciderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
    private static readonly WorkerNode[] Nodes = { new("a:1#1", 2, 1), new("b:1#2", 2, 0) };
    private static readonly Dictionary<string, double> Scores = new() { ["accuracy"] = 0.97, ["logLoss"] = 0.11 };

    private static StudyState ApplyAll(StudyState s, IEnumerable<IStudyEvent> events) =>
        events.Aggregate(s, (acc, e) => acc.Apply(e));

    /// <summary>A study whose trials finished with losses 3, 1 and 2 (trial 1 best), up to its last planning.</summary>
    private static StudyState Ran(int maxTrials = 3, bool finish = true)
    {
        var s = StudyState.Create(new StudyCreated("quad", StudyDeciderTests.Spec(maxTrials, maxTrials), T0));
        var optimizer = OptimizerFactory.Create(s.Spec.Optimizer, s.Spec.Space, s.Spec.Objective.Direction);
        s = ApplyAll(s, StudyDecider.Plan(s, optimizer, Nodes, T0, 3));
        var losses = new[] { 3.0, 1.0, 2.0 };
        for (var n = 0; n < maxTrials; n++)
            s = ApplyAll(s, StudyDecider.Result(s, n, 1, new Dictionary<string, double> { ["loss"] = losses[n % 3] },
                null, T0));
        return finish ? ApplyAll(s, StudyDecider.Plan(s, optimizer, Nodes, T0, 3)) : s;
    }

    [Fact]
    public void A_finished_study_asks_once_for_its_best_trials_refit_and_sends_it_to_the_node_with_most_free_slots()
    {
        var s = Ran();
        Assert.Equal(StudyStatus.Finished, s.Status);
        var events = RefitDecider.Plan(s, Nodes, whenFinished: true, T0);
        Assert.Equal(new IStudyEvent[]
        {
            new RefitRequested(1, RefitDecider.StudyFinishedReason, T0),
            new RefitDispatched(1, "b:1#2", T0),
        }, events);
        s = ApplyAll(s, events);
        Assert.Equal(
            new StudyRefit(1, RefitStatus.Running, 1, "b:1#2", T0) { Reason = RefitDecider.StudyFinishedReason },
            s.Refit);
        // Running: nothing more to plan; nor once it is done.
        Assert.Empty(RefitDecider.Plan(s, Nodes, whenFinished: true, T0));
        s = ApplyAll(s, RefitDecider.Result(s, 1, Scores, 1347, 450, "/m/model.zip", null, 3, T0.AddSeconds(5)));
        Assert.Equal((RefitStatus.Complete, 0.97, 1347, 450, "/m/model.zip", T0.AddSeconds(5)),
            (s.Refit!.Status, s.Refit.TestMetrics["accuracy"], s.Refit.TrainRows, s.Refit.TestRows, s.Refit.ModelPath,
                s.Refit.FinishedAt));
        Assert.Empty(RefitDecider.Plan(s, Nodes, whenFinished: true, T0));
        Assert.Equal(s.Refit, s.Progress().Refit);
    }

    [Fact]
    public void Nothing_is_refitted_while_the_study_runs_or_when_the_node_does_not_refit_and_it_waits_for_a_free_slot()
    {
        Assert.Empty(RefitDecider.Plan(Ran(finish: false), Nodes, whenFinished: true, T0));
        Assert.Empty(RefitDecider.Plan(Ran(), Nodes, whenFinished: false, T0));
        // Asked for, it waits for a free slot.
        var full = new[] { new WorkerNode("a:1#1", 1, 1) };
        var events = RefitDecider.Plan(Ran(), full, whenFinished: true, T0);
        Assert.IsType<RefitRequested>(Assert.Single(events));
        var s = ApplyAll(Ran(), events);
        Assert.Equal(RefitStatus.Waiting, s.Refit!.Status);
        Assert.Equal(new RefitDispatched(1, "a:1#1", T0),
            Assert.Single(RefitDecider.Plan(s, new[] { new WorkerNode("a:1#1", 1, 0) }, whenFinished: true, T0)));
    }

    [Fact]
    public void A_failed_or_lost_attempt_is_sent_again_until_the_attempts_run_out_and_stale_answers_change_nothing()
    {
        var s = ApplyAll(Ran(), RefitDecider.Plan(Ran(), Nodes, whenFinished: true, T0));
        // The worker's node died: sent again, as a new dispatch.
        var lost = RefitDecider.WorkerLost(s, 1, "its node died", maxFailures: 3, T0);
        Assert.Equal(new RefitFailed(1, "its node died", false, T0), Assert.Single(lost));
        s = ApplyAll(s, lost);
        Assert.Equal((RefitStatus.Waiting, 1, "its node died"), (s.Refit!.Status, s.Refit.FailedAttempts,
            s.Refit.FailureReason));
        s = ApplyAll(s, RefitDecider.Plan(s, Nodes, whenFinished: true, T0));
        // Not on b again, where the first attempt was lost, though b has more free slots.
        Assert.Equal((RefitStatus.Running, 2, "a:1#1"), (s.Refit!.Status, s.Refit.Dispatch, s.Refit.NodeKey));
        // The first dispatch's answer arrives after all: no longer current, it changes nothing.
        Assert.Empty(RefitDecider.Result(s, 1, Scores, 1, 1, null, null, 3, T0));
        Assert.Empty(RefitDecider.WorkerLost(s, 1, "late", 3, T0));
        s = ApplyAll(s, RefitDecider.Result(s, 2, Scores, 0, 0, null, "SpecException: no such file", 3, T0));
        // Failed on both: any node again.
        Assert.Equal(new[] { "a:1#1", "b:1#2" }, s.Refit!.FailedNodes);
        s = ApplyAll(s, RefitDecider.Plan(s, Nodes, whenFinished: true, T0));
        Assert.Equal("b:1#2", s.Refit!.NodeKey);
        var last = RefitDecider.Result(s, 3, Scores, 0, 0, null, "SpecException: no such file", 3, T0);
        Assert.Equal(new RefitFailed(3, "SpecException: no such file", true, T0), Assert.Single(last));
        s = ApplyAll(s, last);
        Assert.Equal((RefitStatus.Failed, 3), (s.Refit!.Status, s.Refit.FailedAttempts));
        // Given up: the study's end does not ask again.
        Assert.Empty(RefitDecider.Plan(s, Nodes, whenFinished: true, T0));
    }

    [Fact]
    public void An_operator_asks_again_for_the_current_best_once_and_only_for_a_study_with_a_single_best()
    {
        var s = Ran();
        s = ApplyAll(s, RefitDecider.Plan(s, Nodes, whenFinished: true, T0));
        // Under way for the best already: nothing new.
        Assert.Empty(RefitDecider.Request(s, "ops", T0));
        s = ApplyAll(s, RefitDecider.Result(s, 1, Scores, 1, 1, null, null, 3, T0));
        var again = RefitDecider.Request(s, "ops", T0.AddMinutes(1));
        Assert.Equal(new RefitRequested(1, "ops", T0.AddMinutes(1)), Assert.Single(again));
        s = ApplyAll(s, again);
        // The new refit keeps counting dispatches, so its worker is a new entity.
        Assert.Equal((RefitStatus.Waiting, "ops", 1), (s.Refit!.Status, s.Refit.Reason, s.Refit.Dispatch));
        Assert.Equal(new RefitDispatched(2, "b:1#2", T0), RefitDecider.Plan(s, Nodes, true, T0).Single());
        // A running study may be refitted too (its best so far).
        var running = Ran(finish: false);
        Assert.Equal(RefitStatus.Waiting,
            ApplyAll(running, RefitDecider.Request(running, "ops", T0)).Refit!.Status);

        var none = StudyState.Create(new StudyCreated("quad", StudyDeciderTests.Spec(), T0));
        Assert.Contains("no completed trial", Assert.Throws<InvalidOperationException>(
            () => RefitDecider.Request(none, "ops", T0)).Message);
        Assert.Throws<InvalidOperationException>(() => none.Apply(new RefitRequested(0, "x", T0)));
        Assert.Throws<InvalidOperationException>(() => s.Apply(new RefitRequested(7, "x", T0)));
    }

    [Fact]
    public void A_study_reopened_by_a_larger_budget_is_refitted_again_when_it_finishes_again()
    {
        var s = Ran();
        s = ApplyAll(s, RefitDecider.Plan(s, Nodes, whenFinished: true, T0));
        s = ApplyAll(s, RefitDecider.Result(s, 1, Scores, 1, 1, null, null, 3, T0));
        s = s.Apply(new StudyBudgetChanged(4, 4, T0.AddMinutes(1)));
        Assert.Equal(StudyStatus.Running, s.Status);
        Assert.Empty(RefitDecider.Plan(s, Nodes, whenFinished: true, T0.AddMinutes(1)));
        var optimizer = OptimizerFactory.Create(s.Spec.Optimizer, s.Spec.Space, s.Spec.Objective.Direction);
        s = ApplyAll(s, StudyDecider.Plan(s, optimizer, Nodes, T0.AddMinutes(1), 3));
        s = ApplyAll(s, StudyDecider.Result(s, 3, 1, new Dictionary<string, double> { ["loss"] = 0.5 }, null,
            T0.AddMinutes(2)));
        s = ApplyAll(s, StudyDecider.Plan(s, optimizer, Nodes, T0.AddMinutes(2), 3));
        Assert.Equal(StudyStatus.Finished, s.Status);
        Assert.Equal(new IStudyEvent[]
        {
            new RefitRequested(3, RefitDecider.StudyFinishedReason, T0.AddMinutes(2)),
            new RefitDispatched(2, "b:1#2", T0.AddMinutes(2)),
        }, RefitDecider.Plan(s, Nodes, whenFinished: true, T0.AddMinutes(2)));
    }
}
