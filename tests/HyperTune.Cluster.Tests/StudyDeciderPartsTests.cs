using HyperTune.Cluster.Studies;
using HyperTune.Cluster.Workers;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Schedulers.Pruners;
using HyperTune.Core.Studies;
using static HyperTune.Cluster.Studies.StudyEvents;

namespace HyperTune.Cluster.Tests;

/// <summary>
/// Trials that run as several parts (cross-validation folds spread over the workers): dispatch per part to free
/// slots, results per part, running reports in fold order, a lost node's parts run again alone.
/// </summary>
public class StudyDeciderPartsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
    private static readonly WorkerNode[] TwoNodes = { new("a:1#1", 2, 0), new("b:1#2", 2, 0) };
    private static readonly ITrialScheduler NoScheduler = new RunToCompletionScheduler();

    private static (StudyState, IOptimizer) Created(int maxTrials, int parallelism, int maxRetries = 1)
    {
        var state = StudyState.Create(new StudyCreated("quad",
            StudyDeciderTests.Spec(maxTrials, parallelism, maxRetries), T0));
        return (state, OptimizerFactory.Create(state.Spec.Optimizer, state.Spec.Space, state.Spec.Objective.Direction));
    }

    private static StudyState ApplyAll(StudyState s, IEnumerable<IStudyEvent> events) =>
        events.Aggregate(s, (acc, e) => acc.Apply(e));

    private static Dictionary<string, double> Loss(double loss) => new() { ["loss"] = loss, ["ms"] = 10 * loss };

    private static IReadOnlyList<IStudyEvent> Plan(StudyState s, IOptimizer opt, ITrialScheduler? scheduler = null,
        int maxRequeues = 3) =>
        StudyDecider.Plan(s, opt, scheduler ?? NoScheduler, TwoNodes, T0, maxRequeues, finalStep: 3, parts: 3);

    private static IEnumerable<(int, int, int)> Dispatched(IEnumerable<IStudyEvent> events) =>
        events.OfType<TrialPartDispatched>().Select(d => (d.Number, d.Part, d.Dispatch));

    [Fact]
    public void Each_part_is_dispatched_on_its_own_to_free_slots_of_any_node_fold_by_fold_across_the_trials()
    {
        var (s, opt) = Created(maxTrials: 4, parallelism: 3);
        var events = Plan(s, opt);
        // Parallelism counts trials: three start, with three parts each; the four free slots take every trial's
        // first fold, then the first trial's second.
        Assert.Equal(new[] { (0, 3), (1, 3), (2, 3) }, events.OfType<TrialPartsSet>().Select(p => (p.Number, p.Parts)));
        var dispatched = events.OfType<TrialPartDispatched>().ToList();
        Assert.Equal(new[] { (0, 0, 1), (1, 0, 1), (2, 0, 1), (0, 1, 2) },
            dispatched.Select(d => (d.Number, d.Part, d.Dispatch)));
        Assert.Equal(2, dispatched.Count(d => d.NodeKey == "a:1#1"));
        Assert.Equal(2, dispatched.Count(d => d.NodeKey == "b:1#2"));
        Assert.Empty(events.OfType<TrialDispatched>());
        s = ApplyAll(s, events);
        Assert.Equal((4, 5, TrialState.Running), (s.RunningParts, s.WaitingParts.Count, s.Trials[2].State));
        // Nothing more while every slot is taken; a finished part's slot goes to the next fold in that order.
        Assert.Empty(Plan(s, opt));
        s = ApplyAll(s, StudyDecider.Result(s, NoScheduler, 1, 1, Loss(1.0), null, T0));
        Assert.Equal((1, 1, 2), Dispatched(Plan(s, opt)).Single());
    }

    [Fact]
    public void Parts_report_the_running_mean_in_fold_order_and_the_trial_completes_with_their_aggregate()
    {
        var (s, opt) = Created(maxTrials: 1, parallelism: 3);
        s = ApplyAll(s, Plan(s, opt));
        // Part 2 (dispatch 2) first: recorded, but no report until fold 1 is in.
        var second = StudyDecider.Result(s, NoScheduler, 0, 2, Loss(2.0), null, T0);
        Assert.Equal(new[] { typeof(TrialPartCompleted) }, second.Select(e => e.GetType()));
        s = ApplyAll(s, second);
        var first = StudyDecider.Result(s, NoScheduler, 0, 1, Loss(1.0), null, T0);
        s = ApplyAll(s, first);
        Assert.Equal(new[] { (1L, 1.0), (2L, 1.5) }, s.Trials[0].Intermediate.Select(v => (v.Step, v.Value)));
        // The same result delivered again changes nothing.
        Assert.Empty(StudyDecider.Result(s, NoScheduler, 0, 1, Loss(1.0), null, T0));
        var last = StudyDecider.Result(s, NoScheduler, 0, 3, Loss(6.0), null, T0.AddSeconds(5));
        s = ApplyAll(s, last);
        var completed = last.OfType<TrialCompleted>().Single();
        Assert.Equal(3.0, completed.Value, 12);
        Assert.Equal(30.0, completed.Metrics["ms"], 12);
        Assert.Equal(new[] { 1.0, 2.0, 6.0 },
            new[] { 1, 2, 3 }.Select(f => completed.Metrics[$"loss_fold{f}"]));
        Assert.Equal(Math.Sqrt(7), completed.Metrics["loss_std"], 12);
        Assert.Equal((TrialState.Complete, 3L), (s.Trials[0].State, s.Trials[0].LastIntermediate!.Step));
        Assert.True(s.Parts.IsEmpty);
        Assert.Equal((0, 0), (s.RunningParts, s.WaitingParts.Count));
    }

    [Fact]
    public void A_lost_part_runs_again_alone_and_the_others_results_stand()
    {
        var (s, opt) = Created(maxTrials: 1, parallelism: 3);
        s = ApplyAll(s, Plan(s, opt));
        s = ApplyAll(s, StudyDecider.Result(s, NoScheduler, 0, 1, Loss(1.0), null, T0));
        var node = s.Parts[0][1].NodeKey!;
        var lost = StudyDecider.WorkerLost(s, 0, 2, "its node died", T0);
        Assert.Equal(new TrialPartRequeued(0, 1, "its node died", T0), Assert.Single(lost));
        s = ApplyAll(s, lost);
        Assert.Equal((TrialState.Running, 1, 1), (s.Trials[0].State, s.RunningParts, s.Requeues[0]));
        // The lost dispatch's late result is not taken; the part is dispatched again as dispatch 4.
        Assert.Empty(StudyDecider.Result(s, NoScheduler, 0, 2, Loss(9.0), null, T0));
        var again = Plan(s, opt);
        Assert.Equal((0, 1, 4), Dispatched(again).Single());
        Assert.Empty(again.OfType<TrialStarted>());
        s = ApplyAll(s, again);
        Assert.NotNull(node);
        s = ApplyAll(s, StudyDecider.Result(s, NoScheduler, 0, 4, Loss(2.0), null, T0));
        s = ApplyAll(s, StudyDecider.Result(s, NoScheduler, 0, 3, Loss(3.0), null, T0));
        Assert.Equal((TrialState.Complete, 2.0), (s.Trials[0].State, s.Trials[0].Value));
    }

    [Fact]
    public void A_trial_whose_parts_lost_their_workers_too_often_fails()
    {
        var (s, opt) = Created(maxTrials: 1, parallelism: 1);
        s = ApplyAll(s, Plan(s, opt, maxRequeues: 1));
        // Two parts lost once each: the trial lost its workers twice, more than the one requeue allowed.
        s = ApplyAll(s, StudyDecider.WorkerLost(s, 0, 1, "gone", T0));
        s = ApplyAll(s, StudyDecider.WorkerLost(s, 0, 2, "gone", T0));
        var events = Plan(s, opt, maxRequeues: 1);
        var failed = Assert.Single(events.OfType<TrialFailed>());
        Assert.True(failed.Final);
        Assert.Contains("lost its worker 2 times (limit 1)", failed.Reason);
        Assert.Empty(events.OfType<TrialPartDispatched>());
        s = ApplyAll(s, events);
        Assert.Equal((TrialState.Failed, 0, 0), (s.Trials[0].State, s.RunningParts, s.WaitingParts.Count));
    }

    [Fact]
    public void A_failed_part_fails_the_attempt_and_the_retry_runs_only_the_parts_not_done()
    {
        var (s, opt) = Created(maxTrials: 1, parallelism: 3, maxRetries: 1);
        s = ApplyAll(s, Plan(s, opt));
        s = ApplyAll(s, StudyDecider.Result(s, NoScheduler, 0, 1, Loss(1.0), null, T0));
        var failed = StudyDecider.Result(s, NoScheduler, 0, 2, new Dictionary<string, double>(), "out of memory", T0);
        var f = Assert.IsType<TrialFailed>(Assert.Single(failed));
        Assert.False(f.Final);
        Assert.Contains("part 2: out of memory", f.Reason);
        s = ApplyAll(s, failed);
        Assert.Equal((TrialState.Waiting, 0, 2), (s.Trials[0].State, s.RunningParts, s.WaitingParts.Count));
        var retry = Plan(s, opt).OfType<TrialPartDispatched>().ToList();
        Assert.Equal(new[] { (1, 4), (2, 5) }, retry.Select(d => (d.Part, d.Dispatch)));
        s = ApplyAll(s, retry);
        // Part 3's first run (dispatch 3) was superseded: its result is not taken.
        Assert.Empty(StudyDecider.Result(s, NoScheduler, 0, 3, Loss(3.0), null, T0));
        var again = StudyDecider.Result(s, NoScheduler, 0, 4, new Dictionary<string, double>(), "out of memory", T0);
        Assert.True(Assert.IsType<TrialFailed>(Assert.Single(again)).Final);
        s = ApplyAll(s, again);
        Assert.Equal((TrialState.Failed, 0, 0), (s.Trials[0].State, s.RunningParts, s.WaitingParts.Count));
        Assert.True(s.Parts.IsEmpty);
    }

    [Fact]
    public void Fold_racing_stops_a_trial_in_parts_once_its_first_folds_are_clearly_worse()
    {
        var (s, opt) = Created(maxTrials: 2, parallelism: 1);
        var racing = new FoldRacingPruner(minFolds: 2, confidence: 0.95);
        s = ApplyAll(s, Plan(s, opt, racing));
        foreach (var (dispatch, loss) in new[] { (1, 1.0), (2, 1.1), (3, 0.9) })
            s = ApplyAll(s, StudyDecider.Result(s, racing, 0, dispatch, Loss(loss), null, T0));
        Assert.Equal(TrialState.Complete, s.Trials[0].State);
        s = ApplyAll(s, Plan(s, opt, racing));
        Assert.Equal(3, s.Parts[1].Count(p => p.IsRunning));
        s = ApplyAll(s, StudyDecider.Result(s, racing, 1, 1, Loss(5.0), null, T0));
        var pruned = StudyDecider.Result(s, racing, 1, 2, Loss(5.2), null, T0);
        var p = pruned.OfType<TrialPruned>().Single();
        Assert.Equal((2L, 5.1), (p.Step, Math.Round(p.Value, 12)));
        s = ApplyAll(s, pruned);
        Assert.Equal((TrialState.Pruned, 0), (s.Trials[1].State, s.RunningParts));
        Assert.Empty(StudyDecider.Result(s, racing, 1, 3, Loss(5.0), null, T0));
    }

    [Fact]
    public void A_snapshot_keeps_the_parts_and_their_indexes()
    {
        var (s, opt) = Created(maxTrials: 4, parallelism: 4);
        s = ApplyAll(s, Plan(s, opt));
        s = ApplyAll(s, StudyDecider.Result(s, NoScheduler, 0, 2, Loss(2.0), null, T0));
        var bytes = HyperTune.Cluster.Serialization.StudySnapshotFormat.Write(s.ToSnapshot());
        var back = StudyState.FromSnapshot(HyperTune.Cluster.Serialization.StudySnapshotFormat.Read(bytes));
        Assert.Equal(s.RunningParts, back.RunningParts);
        Assert.Equal(s.WaitingParts, back.WaitingParts);
        Assert.Equal(s.Parts.Keys.Order(), back.Parts.Keys.Order());
        Assert.Equal(s.Parts[0], back.Parts[0], new PartComparer());
        Assert.Equal(Plan(s, opt).Count, Plan(back, opt).Count);
    }

    private sealed class PartComparer : IEqualityComparer<TrialPart>
    {
        public bool Equals(TrialPart? x, TrialPart? y) =>
            x!.Dispatch == y!.Dispatch && x.NodeKey == y.NodeKey
            && (x.Metrics is null
                ? y.Metrics is null
                : y.Metrics is not null && x.Metrics.OrderBy(p => p.Key).SequenceEqual(y.Metrics.OrderBy(p => p.Key)));

        public int GetHashCode(TrialPart obj) => obj.Dispatch;
    }
}
