using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using HyperTune.Cluster.Studies;
using HyperTune.Cluster.Workers;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Schedulers.Population;
using HyperTune.Core.Studies;
using static HyperTune.Cluster.Studies.StudyProtocol;
using static HyperTune.Cluster.Workers.TrialWorkerProtocol;

namespace HyperTune.Cluster.Tests;

/// <summary>
/// The coordinator's trial lifecycle with SQLite persistence, a fake scheduler and a probe standing in for the
/// worker region: pause and resume from the checkpoint step, prune and cancel, recovery in the middle of a rung.
/// </summary>
public sealed class StudyLifecycleSpec : TestKit
{
    private static readonly WorkerNode Node = new("127.0.0.1:1#1", 16, 0);

    // Snapshots every 5 events, so recovery exercises snapshot + replay.
    private static readonly StudySettings Settings = new(5, 3, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200), TimeSpan.FromMinutes(1),
        DispatchTimeout: TimeSpan.FromSeconds(10), SuspectNodeFor: TimeSpan.FromSeconds(30));

    private readonly SqliteMemoryDatabase _db;
    private readonly TestProbe _workers;

    public StudyLifecycleSpec() : this(new SqliteMemoryDatabase())
    {
    }

    private StudyLifecycleSpec(SqliteMemoryDatabase db) : base(TestConfig.Local(db.Storage))
    {
        _db = db;
        _workers = CreateTestProbe("workers");
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        _db.Dispose();
    }

    private IActorRef StartCoordinator(ITrialScheduler scheduler) => StartCoordinator(scheduler, CreateTestProbe(), Node);

    private IActorRef StartCoordinator(ITrialScheduler scheduler, TestProbe directory, params WorkerNode[] nodes)
    {
        var coordinator = Sys.ActorOf(StudyCoordinator.Props("quad", Settings, _workers.Ref, directory.Ref, null, _ => scheduler));
        directory.ExpectMsg<WorkerDirectory.SubscribeWorkerNodes>();
        coordinator.Tell(new WorkerDirectory.WorkerNodesChanged(nodes));
        return coordinator;
    }

    private List<RunTrial> ExpectRuns(int count) =>
        Enumerable.Range(0, count).Select(_ => _workers.ExpectMsg<RunTrial>(TimeSpan.FromSeconds(10))).ToList();

    private static void Progress(IActorRef coordinator, RunTrial run, long from, long to, double value)
    {
        for (var step = from; step <= to; step++)
            coordinator.Tell(new ReportTrialProgress("quad", run.Number, run.Dispatch, step, new Dictionary<string, double> { ["loss"] = value }));
    }

    private StudyReport Report(IActorRef coordinator)
    {
        var asker = CreateTestProbe();
        coordinator.Tell(new GetStudy("quad", IncludeTrials: true), asker.Ref);
        return asker.ExpectMsg<StudyReport>();
    }

    [Fact]
    public void A_trial_pauses_at_its_milestone_and_the_best_resumes_from_its_checkpoint_step()
    {
        var coordinator = StartCoordinator(new FakeRungScheduler(rungSize: 2, milestone: 3, keep: 1));
        coordinator.Tell(new SubmitStudy("quad", StudyDeciderTests.Spec(maxTrials: 2, parallelism: 2)));
        ExpectMsg<StudySubmitted>();
        var runs = ExpectRuns(2);
        Assert.All(runs, r => Assert.Equal((0L, (long?)3), (r.ResumeStep, r.StopAtStep)));

        Progress(coordinator, runs[0], 1, 3, 2.0);
        // The pause is written, then the worker is told.
        var pause = _workers.ExpectMsg<PauseTrial>(TimeSpan.FromSeconds(10));
        Assert.Equal(runs[0].WorkerId, pause.WorkerId);
        Progress(coordinator, runs[1], 1, 3, 1.0);
        Assert.Equal(runs[1].WorkerId, _workers.ExpectMsg<PauseTrial>(TimeSpan.FromSeconds(10)).WorkerId);

        // The rung closes: trial 1 (the better) resumes from step 3, as a new dispatch, to the end.
        var resumed = ExpectRuns(1).Single();
        Assert.Equal((1, 2, 3L, (long?)null), (resumed.Number, resumed.Dispatch, resumed.ResumeStep, resumed.StopAtStep));
        Assert.Equal(runs[1].Params, resumed.Params);
        var report = Report(coordinator);
        Assert.Equal((TrialState.Pruned, TrialState.Running), (report.Trials![0].State, report.Trials[1].State));

        // The worker of the paused run acknowledges its pause; nothing changes.
        var worker = CreateTestProbe();
        coordinator.Tell(new ReportTrialPaused("quad", 1, 1, 3), worker.Ref);
        worker.ExpectMsg<TrialResultRecorded>();
        Progress(coordinator, resumed, 4, 5, 0.5);
        worker = CreateTestProbe();
        coordinator.Tell(new ReportTrialResult("quad", 1, 2, new Dictionary<string, double> { ["loss"] = 0.5 }, null), worker.Ref);
        worker.ExpectMsg<TrialResultRecorded>();
        AwaitAssert(() => Assert.Equal(StudyStatus.Finished, Report(coordinator).Progress.Status), TimeSpan.FromSeconds(5));
        var final = Report(coordinator);
        Assert.Equal((1, 1, 5L), (final.Progress.Complete, final.Progress.Pruned, final.Trials![1].LastIntermediate!.Step));
    }

    [Fact]
    public void A_pruned_trial_gets_a_cancel_and_its_slot_goes_to_the_next_trial()
    {
        var coordinator = StartCoordinator(new FakeRungScheduler(rungSize: 0, milestone: 0, keep: 0, pruneAbove: 5));
        coordinator.Tell(new SubmitStudy("quad", StudyDeciderTests.Spec(maxTrials: 3, parallelism: 1)));
        ExpectMsg<StudySubmitted>();
        var first = ExpectRuns(1).Single();
        Assert.Null(first.StopAtStep);
        Progress(coordinator, first, 1, 1, 4.0);
        _workers.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Progress(coordinator, first, 2, 2, 6.0);
        var cancel = _workers.ExpectMsg<CancelTrial>(TimeSpan.FromSeconds(10));
        Assert.Equal(first.WorkerId, cancel.WorkerId);
        Assert.Contains("pruned at step 2", cancel.Reason);
        Assert.Equal(1, ExpectRuns(1).Single().Number);
        var report = Report(coordinator);
        Assert.Equal((TrialState.Pruned, 6.0), (report.Trials![0].State, report.Trials[0].Value));
    }

    [Theory]
    [InlineData("""{ "type": "function", "function": "branin" }""", 4L)]
    [InlineData("""{ "type": "process", "command": "python3", "checkpoints": true }""", 4L)]
    [InlineData("""{ "type": "process", "command": "python3" }""", 0L)]
    public void A_trial_whose_node_died_resumes_from_its_last_step_when_its_trainable_can_resume(string trainable, long resumeStep)
    {
        var spec = StudyDeciderTests.Spec(maxTrials: 1, parallelism: 1)
            .Replace("""{ "type": "function", "function": "branin" }""", trainable);
        var a = new WorkerNode("127.0.0.1:1#1", 4, 0);
        var b = new WorkerNode("127.0.0.2:1#1", 4, 1);
        var directory = CreateTestProbe();
        var coordinator = StartCoordinator(new FakeRungScheduler(0, 0, 0), directory, a);
        coordinator.Tell(new SubmitStudy("quad", spec));
        ExpectMsg<StudySubmitted>();
        var first = ExpectRuns(1).Single();
        Progress(coordinator, first, 1, 4, 1.0);
        coordinator.Tell(new WorkerDirectory.WorkerNodesChanged(new[] { b }));
        var again = ExpectRuns(1).Single();
        Assert.Equal((0, 2, resumeStep, (long?)null), (again.Number, again.Dispatch, again.ResumeStep, again.StopAtStep));
        // A restarted run's repeated steps are ignored; the trial keeps one value per step.
        Progress(coordinator, again, 1, 5, 0.5);
        AwaitAssert(() => Assert.Equal(new long[] { 1, 2, 3, 4, 5 },
            Report(coordinator).Trials![0].Intermediate.Select(i => i.Step)), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void A_coordinator_recovered_in_the_middle_of_a_synchronous_rung_completes_it_exactly_once()
    {
        var scheduler = new FakeRungScheduler(rungSize: 3, milestone: 3, keep: 1);
        var coordinator = StartCoordinator(scheduler);
        coordinator.Tell(new SubmitStudy("quad", StudyDeciderTests.Spec(maxTrials: 3, parallelism: 3)));
        ExpectMsg<StudySubmitted>();
        var runs = ExpectRuns(3);
        Progress(coordinator, runs[0], 1, 3, 2.0);
        Progress(coordinator, runs[1], 1, 3, 1.0);
        Progress(coordinator, runs[2], 1, 2, 3.0);
        _workers.ExpectMsg<PauseTrial>(TimeSpan.FromSeconds(10));
        _workers.ExpectMsg<PauseTrial>(TimeSpan.FromSeconds(10));
        var before = Report(coordinator);
        Assert.Equal((2, 1), (before.Progress.Paused, before.Progress.Queued + before.Progress.Running));

        Watch(coordinator);
        coordinator.Tell(PoisonPill.Instance);
        ExpectTerminated(coordinator);

        var recovered = StartCoordinator(scheduler);
        // Only the running trial is re-attached (same dispatch, same worker); the paused ones stay paused.
        var reattached = ExpectRuns(1).Single();
        Assert.Equal((2, 1, runs[2].WorkerId, (long?)3), (reattached.Number, reattached.Dispatch, reattached.WorkerId, reattached.StopAtStep));
        _workers.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        var after = Report(recovered);
        Assert.Equal(2, after.Progress.Paused);
        Assert.Equal(new[] { 3L, 3L, 2L }, after.Trials!.Select(t => t.LastIntermediate!.Step));

        // A repeated report of a recorded step counts once; the last milestone closes the rung.
        Progress(recovered, runs[2], 2, 3, 3.0);
        _workers.ExpectMsg<PauseTrial>(TimeSpan.FromSeconds(10));
        var resumed = ExpectRuns(1).Single();
        Assert.Equal((1, 2, 3L), (resumed.Number, resumed.Dispatch, resumed.ResumeStep));
        _workers.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        var closed = Report(recovered);
        Assert.Equal(new[] { TrialState.Pruned, TrialState.Running, TrialState.Pruned }, closed.Trials!.Select(t => t.State));
        Assert.Equal(new[] { 3, 3, 3 }, closed.Trials!.Select(t => t.Intermediate.Count));
        Assert.Equal(1, scheduler.Resumes[1]);
        Assert.Single(scheduler.Resumes);
    }

    [Fact]
    public void A_coordinator_recovered_in_the_middle_of_a_synchronous_pbt_round_exploits_once_from_the_same_checkpoint()
    {
        PbtScheduler Pbt(Core.Specs.StudySpec spec) =>
            new(3, new PbtExplorer(spec.Space, 0.25, [0.8, 1.2]), exploit: true, quantileFraction: 0.25,
                synchronous: true, populationSize: 3, finalStep: null, seed: 11);
        Core.Specs.StudySpec? parsed = null;
        var coordinator = Sys.ActorOf(StudyCoordinator.Props("quad", Settings, _workers.Ref, CreateTestProbe().Ref, null,
            spec => Pbt(parsed = spec)));
        coordinator.Tell(new WorkerDirectory.WorkerNodesChanged([Node]));
        coordinator.Tell(new SubmitStudy("quad", StudyDeciderTests.Spec(maxTrials: 3, parallelism: 3)));
        ExpectMsg<StudySubmitted>();
        var runs = ExpectRuns(3);
        Assert.All(runs, r => Assert.Equal(((long?)3, (int?)null, true), (r.StopAtStep, r.RestoreFromTrial, r.KeepPauseCheckpoints)));
        // Trial 0 is the best at step 3 and trial 1 the worst; trial 2 is still on its way when the coordinator dies.
        Progress(coordinator, runs[0], 1, 3, 1.0);
        Progress(coordinator, runs[1], 1, 3, 5.0);
        Progress(coordinator, runs[2], 1, 2, 3.0);
        Assert.Equal(new[] { 0, 1 }, new[] { _workers.ExpectMsg<PauseTrial>(), _workers.ExpectMsg<PauseTrial>() }
            .Select(p => int.Parse(p.WorkerId.Split('|')[2])).Order());
        Assert.Equal(2, Report(coordinator).Progress.Paused);
        // Synchronous: nothing resumes while trial 2 has not reached step 3.
        _workers.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        Watch(coordinator);
        coordinator.Tell(PoisonPill.Instance);
        ExpectTerminated(coordinator);
        var recovered = StartCoordinator(Pbt(parsed!));
        var reattached = ExpectRuns(1).Single();
        Assert.Equal(2, reattached.Number);

        // The round closes when trial 2 reaches step 3: trial 1 continues from trial 0's checkpoint at step 3.
        Progress(recovered, reattached, 3, 3, 3.0);
        Assert.Equal(reattached.WorkerId, _workers.ExpectMsg<PauseTrial>().WorkerId);
        var resumed = ExpectRuns(3).OrderBy(r => r.Number).ToList();
        Assert.Equal(new long[] { 3, 3, 3 }, resumed.Select(r => r.ResumeStep));
        Assert.Equal(new long?[] { 6, 6, 6 }, resumed.Select(r => r.StopAtStep));
        Assert.Equal(new int?[] { null, 0, null }, resumed.Select(r => r.RestoreFromTrial));
        var round = Report(recovered);
        var entry = Assert.Single(round.Trials![1].Lineage);
        Assert.Equal((3L, 0, runs[1].Params), (entry.Step, entry.Donor, entry.Before));
        Assert.Equal(entry.After, resumed[1].Params);
        Assert.NotEqual(runs[1].Params, resumed[1].Params);
        // The same decision a fresh scheduler makes from the history of the round (before it was applied).
        var history = new TrialHistory(round.Trials.Select(t => t with
        {
            State = TrialState.Paused, Params = t.Lineage.IsEmpty ? t.Params : t.Lineage[0].Before, Lineage = [],
        }).ToList(), StudyDirection.Minimize);
        Assert.Equal(entry.After, Pbt(parsed!).Decide(history, history.Trials[1], 3)!.Params);

        // Recovered again, the exploit is not made twice: the journal holds it once.
        Watch(recovered);
        recovered.Tell(PoisonPill.Instance);
        ExpectTerminated(recovered);
        var again = StartCoordinator(Pbt(parsed!));
        ExpectRuns(3);
        var replayed = Report(again);
        Assert.Equal(entry, Assert.Single(replayed.Trials![1].Lineage));
        Assert.All(new[] { 0, 2 }, n => Assert.Empty(replayed.Trials[n].Lineage));
    }
}
