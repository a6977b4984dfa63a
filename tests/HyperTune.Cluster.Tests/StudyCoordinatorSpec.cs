using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using HyperTune.Cluster.Studies;
using HyperTune.Cluster.Workers;
using HyperTune.Core.Studies;
using static HyperTune.Cluster.Studies.StudyProtocol;
using static HyperTune.Cluster.Workers.TrialWorkerProtocol;

namespace HyperTune.Cluster.Tests;

/// <summary>The coordinator on its own, with SQLite persistence and probes standing in for the workers.</summary>
public sealed class StudyCoordinatorSpec : TestKit
{
    private static readonly WorkerNode Node = new("127.0.0.1:1#1", 16, 0);

    // Snapshots every 5 events, so recovery exercises snapshot + replay.
    private static readonly StudySettings Settings = new(5, 3, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200), TimeSpan.FromMinutes(1),
        DispatchTimeout: TimeSpan.FromSeconds(10), SuspectNodeFor: TimeSpan.FromSeconds(30));

    private readonly SqliteMemoryDatabase _db;
    private readonly TestProbe _workers;

    public StudyCoordinatorSpec() : this(new SqliteMemoryDatabase())
    {
    }

    private StudyCoordinatorSpec(SqliteMemoryDatabase db) : base(TestConfig.Local(db.Storage))
    {
        _db = db;
        _workers = CreateTestProbe("workers");
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        _db.Dispose();
    }

    private IActorRef StartCoordinator(string studyId = "quad", StudySettings? settings = null, params WorkerNode[] nodes)
    {
        var directory = CreateTestProbe();
        var coordinator = Sys.ActorOf(StudyCoordinator.Props(studyId, settings ?? Settings, _workers.Ref, directory.Ref));
        directory.ExpectMsg<WorkerDirectory.SubscribeWorkerNodes>();
        coordinator.Tell(new WorkerDirectory.WorkerNodesChanged(nodes.Length > 0 ? nodes : new[] { Node }));
        return coordinator;
    }

    private List<RunTrial> ExpectRuns(int count) =>
        Enumerable.Range(0, count).Select(_ => _workers.ExpectMsg<RunTrial>(TimeSpan.FromSeconds(10))).ToList();

    private void Complete(IActorRef coordinator, RunTrial run, double loss, TestProbe? worker = null)
    {
        worker ??= CreateTestProbe();
        coordinator.Tell(new ReportTrialResult(run.StudyId, run.Number, run.Dispatch, new Dictionary<string, double> { ["loss"] = loss }, null), worker.Ref);
        worker.ExpectMsg<TrialResultRecorded>(m => Assert.Equal(run.Number, m.Number));
    }

    private StudyReport Report(IActorRef coordinator, string studyId = "quad")
    {
        var asker = CreateTestProbe();
        coordinator.Tell(new GetStudy(studyId, IncludeTrials: true), asker.Ref);
        return asker.ExpectMsg<StudyReport>();
    }

    [Fact]
    public void A_restarted_coordinator_recovers_the_same_history_and_continues_numbering()
    {
        var coordinator = StartCoordinator();
        coordinator.Tell(new SubmitStudy("quad", StudyDeciderTests.Spec(maxTrials: 12, parallelism: 3)));
        Assert.True(ExpectMsg<StudySubmitted>().Created);
        var runs = ExpectRuns(3);
        Assert.Equal(new[] { 0, 1, 2 }, runs.Select(r => r.Number));
        Complete(coordinator, runs[0], 5.0);
        Complete(coordinator, runs[1], 4.0);
        var next = ExpectRuns(2);
        Assert.Equal(new[] { 3, 4 }, next.Select(r => r.Number));
        coordinator.Tell(new ReportTrialProgress("quad", 3, 1, 1, new Dictionary<string, double> { ["loss"] = 9.0 }));
        var before = Report(coordinator);

        Watch(coordinator);
        coordinator.Tell(PoisonPill.Instance);
        ExpectTerminated(coordinator);

        var recovered = StartCoordinator();
        // It re-attaches to the trials that were running: the same worker entities, the same dispatch.
        var resent = ExpectRuns(3).OrderBy(r => r.Number).ToList();
        Assert.Equal(new[] { 2, 3, 4 }, resent.Select(r => r.Number));
        Assert.Equal(new[] { runs[2].WorkerId, next[0].WorkerId, next[1].WorkerId }, resent.Select(r => r.WorkerId));
        var after = Report(recovered);
        Assert.Equal(Describe(before.Trials!), Describe(after.Trials!));
        Assert.Equal(9.0, after.Trials![3].Intermediate.Single().Value);

        Complete(recovered, resent[0], 3.0);
        Assert.Equal(5, ExpectRuns(1).Single().Number);
        var progress = Report(recovered).Progress;
        Assert.Equal(3, progress.Complete);
        Assert.Equal(2, progress.Best!.Number);
    }

    /// <summary>
    /// Runs an evolutionary study (generations of 4, 2 slots) by completing its trials one at a time in number order,
    /// each with a loss computed from its params; with <paramref name="crashAfter"/>, the coordinator is stopped and
    /// started again after that many results. Returns the final report.
    /// </summary>
    private StudyReport DriveEvolution(string studyId, int? crashAfter)
    {
        const int trials = 10;
        var coordinator = StartCoordinator(studyId);
        coordinator.Tell(new SubmitStudy(studyId, StudyDeciderTests.Spec(maxTrials: trials, parallelism: 2,
            optimizer: "\"type\":\"evolution\",\"seed\":1,\"populationSize\":4")));
        ExpectMsg<StudySubmitted>();
        var outstanding = new SortedDictionary<int, RunTrial>();
        var done = new HashSet<int>();
        void Take(RunTrial r)
        {
            if (!done.Contains(r.Number)) outstanding[r.Number] = r;
        }
        for (var completed = 0; completed < trials; completed++)
        {
            if (outstanding.Count == 0) Take(_workers.ExpectMsg<RunTrial>(TimeSpan.FromSeconds(10)));
            while (_workers.HasMessages) Take(_workers.ExpectMsg<RunTrial>());
            var (number, run) = outstanding.First();
            outstanding.Remove(number);
            done.Add(number);
            var loss = run.Params.GetDouble("x") * run.Params.GetDouble("x") + run.Params.GetDouble("y");
            Complete(coordinator, run, loss);
            if (completed + 1 != crashAfter) continue;
            Watch(coordinator);
            coordinator.Tell(PoisonPill.Instance);
            ExpectTerminated(coordinator);
            coordinator = StartCoordinator(studyId);
            // It sends the running trials again, with the same dispatch: taking either copy answers it.
        }
        var asker = CreateTestProbe();
        coordinator.Tell(new GetStudy(studyId, IncludeTrials: true), asker.Ref);
        return asker.ExpectMsg<StudyReport>(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void A_coordinator_recovered_in_the_middle_of_a_generation_goes_on_with_the_same_members()
    {
        // Generation 1 is trials 4..7: the crash comes after the result of trial 5, with 6 and 7 still to come.
        var control = DriveEvolution("evo-control", crashAfter: null);
        var crashed = DriveEvolution("evo-crashed", crashAfter: 6);
        Assert.Equal(10, crashed.Progress.Complete);
        Assert.Equal(control.Trials!.Select(t => t.Params), crashed.Trials!.Select(t => t.Params));
        Assert.Equal(control.Trials!.Select(t => t.Attributes), crashed.Trials!.Select(t => t.Attributes));
        Assert.Equal(new[] { "0", "0", "0", "0", "1", "1", "1", "1", "2", "2" },
            crashed.Trials!.Select(t => t.Attributes[Core.Optimizers.Evolution.EvolutionOptimizer.GenerationAttribute]));
        Assert.Equal(new[] { 4, 4, 2 }, crashed.Generations!.Select(g => g.Size));
    }

    [Fact]
    public void A_dispatched_trial_carries_the_trainable_metric_and_timeout_but_not_the_search_space()
    {
        // A categorical of 5,000 long choices makes the spec about 200 kB; the trial message must not carry it.
        var choices = string.Join(",", Enumerable.Range(0, 5_000).Select(i => $"\"choice-{i:D5}-{new string('z', 24)}\""));
        var spec = $$"""
            {
              "name": "quad",
              "objective": { "metric": "loss", "direction": "minimize" },
              "trainable": { "type": "function", "function": "branin", "steps": 2 },
              "space": [ { "name": "x", "type": "float", "low": -5, "high": 10 }, { "name": "y", "type": "float", "low": 0, "high": 15 },
                         { "name": "c", "type": "categorical", "choices": [{{choices}}] } ],
              "optimizer": { "type": "random", "seed": 1 },
              "budget": { "maxTrials": 2, "parallelism": 1 },
              "trialTimeout": "90s"
            }
            """;
        var coordinator = StartCoordinator();
        coordinator.Tell(new SubmitStudy("quad", spec));
        ExpectMsg<StudySubmitted>();
        var run = ExpectRuns(1).Single();

        Assert.Equal("loss", run.RunSpec.Metric);
        Assert.Equal(TimeSpan.FromSeconds(90), run.RunSpec.TrialTimeout);
        Assert.Equal(("function", "branin"), (run.RunSpec.Trainable().Type, run.RunSpec.Trainable().Reader().RequireString("function")));
        Assert.DoesNotContain("choice-", run.RunSpec.TrainableJson);
        var serializer = Sys.Serialization.FindSerializerFor(run);
        var size = serializer.ToBinary(run).Length;
        Assert.True(size < 4_000, $"RunTrial is {size} bytes for a spec of {spec.Length} characters");
    }

    private static IReadOnlyList<string> Describe(IEnumerable<TrialRecord> trials) =>
        trials.Select(t => $"{t.Number} {t.State} {t.Value} {t.Params} {string.Join(";", t.Intermediate)}").ToList();

    [Fact]
    public void A_duplicate_result_is_acknowledged_and_ignored()
    {
        var coordinator = StartCoordinator();
        coordinator.Tell(new SubmitStudy("quad", StudyDeciderTests.Spec(maxTrials: 4, parallelism: 1)));
        ExpectMsg<StudySubmitted>();
        var run = ExpectRuns(1).Single();
        Complete(coordinator, run, 2.0);
        ExpectRuns(1);
        // The worker did not see the first acknowledgement and sends again, with a different value even.
        Complete(coordinator, run, 1.0);
        var report = Report(coordinator);
        Assert.Equal(1, report.Progress.Complete);
        Assert.Equal(2.0, report.Trials![0].Value);
        _workers.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    /// <summary>
    /// Results are written without stashing what comes next (overlapping writes); starts wait to be written with
    /// them, queries and snapshots (every 5 events here) wait for every write so far. Results, starts and queries
    /// interleaved must neither lose a result nor leave the coordinator stashing for good (a stashing write begun
    /// inside an overlapping write's handler once did: the study stopped dispatching).
    /// </summary>
    [Fact]
    public void Results_starts_and_queries_arriving_during_writes_are_all_recorded_and_the_study_finishes()
    {
        const int trials = 240;
        var coordinator = StartCoordinator();
        coordinator.Tell(new SubmitStudy("quad", StudyDeciderTests.Spec(maxTrials: trials, parallelism: 8)));
        ExpectMsg<StudySubmitted>();
        var worker = CreateTestProbe();
        var asker = CreateTestProbe();
        var queries = 0;
        var recorded = new HashSet<int>();
        // Half the slots have begun their trials; each round one of them reports its result, the next dispatched
        // trial begins (its start is applied while the result's write is under way, and waits to be written) and
        // a query asks for the study, so a query waits for the writes while a start is still unwritten.
        var dispatched = new Queue<RunTrial>(ExpectRuns(8));
        var began = new Queue<RunTrial>();
        void Begin()
        {
            var run = dispatched.Dequeue();
            coordinator.Tell(new ReportTrialStarted("quad", run.Number, run.Dispatch, DateTimeOffset.UtcNow));
            began.Enqueue(run);
        }
        for (var i = 0; i < 4; i++) Begin();
        while (recorded.Count < trials)
        {
            if (began.Count == 0) Begin();
            var done = began.Dequeue();
            coordinator.Tell(new ReportTrialResult(done.StudyId, done.Number, done.Dispatch,
                new Dictionary<string, double> { ["loss"] = done.Number }, null), worker.Ref);
            if (dispatched.Count > 0) Begin();
            coordinator.Tell(new GetStudy("quad"), asker.Ref);
            queries++;
            recorded.Add(worker.ExpectMsg<TrialResultRecorded>(TimeSpan.FromSeconds(10)).Number);
            // The freed slot takes the next trial while there are trials left to create.
            if (recorded.Count + dispatched.Count + began.Count < trials) dispatched.Enqueue(ExpectRuns(1).Single());
        }
        for (var answered = 0; answered < queries; answered++) asker.ExpectMsg<StudyReport>(TimeSpan.FromSeconds(10));
        var report = Report(coordinator);
        Assert.Equal(StudyStatus.Finished, report.Progress.Status);
        Assert.Equal(trials, report.Progress.Complete);
        Assert.All(report.Trials!, t => Assert.NotNull(t.StartedAt));
        Assert.Equal(Enumerable.Range(0, trials), recorded.OrderBy(n => n));

        // And the journal holds all of it: a recovered coordinator reports the same.
        Watch(coordinator);
        coordinator.Tell(PoisonPill.Instance);
        ExpectTerminated(coordinator);
        var recovered = StartCoordinator();
        Assert.Equal(Describe(report.Trials!), Describe(Report(recovered).Trials!));
    }

    [Fact]
    public void A_lost_worker_gets_its_trial_dispatched_again_and_a_failed_attempt_is_retried()
    {
        var coordinator = StartCoordinator();
        coordinator.Tell(new SubmitStudy("quad", StudyDeciderTests.Spec(maxTrials: 3, parallelism: 1, maxRetries: 1)));
        ExpectMsg<StudySubmitted>();
        var first = ExpectRuns(1).Single();
        var worker = CreateTestProbe();
        coordinator.Tell(new TrialAccepted("quad", first.Number, first.Dispatch, worker.Ref));
        Sys.Stop(worker.Ref);
        var second = ExpectRuns(1).Single();
        Assert.Equal((first.Number, 2), (second.Number, second.Dispatch));
        Assert.NotEqual(first.WorkerId, second.WorkerId);

        coordinator.Tell(new ReportTrialResult("quad", second.Number, second.Dispatch, new Dictionary<string, double>(), "process exited with code 1"));
        var third = ExpectRuns(1).Single();
        Assert.Equal((first.Number, 3), (third.Number, third.Dispatch));
        coordinator.Tell(new ReportTrialResult("quad", third.Number, third.Dispatch, new Dictionary<string, double>(), "process exited with code 1"));
        // Retries used up: the trial fails and the study moves on to trial 1.
        Assert.Equal(1, ExpectRuns(1).Single().Number);
        var report = Report(coordinator);
        Assert.Equal(TrialState.Failed, report.Trials![0].State);
        Assert.Equal(2, report.Trials[0].FailedAttempts);
    }

    [Fact]
    public void A_start_report_naming_its_worker_stands_for_its_acceptance_and_a_result_may_carry_its_start()
    {
        var coordinator = StartCoordinator();
        coordinator.Tell(new SubmitStudy("quad", StudyDeciderTests.Spec(maxTrials: 3, parallelism: 1)));
        ExpectMsg<StudySubmitted>();
        var first = ExpectRuns(1).Single();
        // The trial took a slot at once: no acceptance of its own, its start report names the worker.
        var worker = CreateTestProbe();
        coordinator.Tell(new ReportTrialStarted("quad", first.Number, first.Dispatch, DateTimeOffset.UtcNow)
        {
            Worker = worker.Ref,
        });
        Sys.Stop(worker.Ref);
        // Watched from then on: its loss sends the trial out again.
        var second = ExpectRuns(1).Single();
        Assert.Equal((first.Number, 2), (second.Number, second.Dispatch));

        // A run that ended as it started reports its start with its result: recorded as the trial's start.
        var startedAt = DateTimeOffset.UtcNow.AddSeconds(-2);
        var replyTo = CreateTestProbe();
        coordinator.Tell(new ReportTrialResult("quad", second.Number, second.Dispatch,
            new Dictionary<string, double> { ["loss"] = 1.5 }, null)
        {
            StartedAt = startedAt,
            FinishedAt = startedAt.AddMilliseconds(3),
        }, replyTo.Ref);
        replyTo.ExpectMsg<TrialResultRecorded>(m => Assert.Equal(second.Number, m.Number));
        Assert.Equal(1, ExpectRuns(1).Single().Number);
        var trial = Report(coordinator).Trials![first.Number];
        Assert.Equal((TrialState.Complete, 1.5), (trial.State, trial.Value));
        Assert.Equal(startedAt, trial.StartedAt);
        Assert.Equal(startedAt.AddMilliseconds(3), trial.FinishedAt);
    }

    [Fact]
    public void A_dispatch_nobody_answers_goes_to_another_node_and_a_node_whose_worker_vanished_gets_no_new_trials()
    {
        var fast = Settings with { DispatchTimeout = TimeSpan.FromSeconds(2) };
        var (a, b) = (new WorkerNode("a:1#1", 1, 0), new WorkerNode("b:1#1", 1, 0));
        var coordinator = StartCoordinator(settings: fast, nodes: new[] { a, b });
        coordinator.Tell(new SubmitStudy("quad", StudyDeciderTests.Spec(maxTrials: 5, parallelism: 2)));
        ExpectMsg<StudySubmitted>();
        var runs = ExpectRuns(2);
        var onA = runs.Single(r => r.WorkerId.StartsWith("a:1#1", StringComparison.Ordinal));
        var onB = runs.Single(r => r.WorkerId.StartsWith("b:1#1", StringComparison.Ordinal));
        // Node b answers; node a's worker never does (it died before the dispatch reached it).
        var workerOnB = CreateTestProbe();
        coordinator.Tell(new TrialAccepted("quad", onB.Number, onB.Dispatch, workerOnB.Ref));
        _workers.ExpectNoMsg(TimeSpan.FromMilliseconds(600));
        Complete(coordinator, onB, 1.0, workerOnB);
        // b is free again and takes the next trial; then a's dispatch times out and a becomes suspect, so a's
        // trial waits for b rather than going back to a.
        var next = ExpectRuns(1).Single();
        Assert.StartsWith("b:1#1", next.WorkerId);
        var nextWorker = CreateTestProbe();
        coordinator.Tell(new TrialAccepted("quad", next.Number, next.Dispatch, nextWorker.Ref));
        // a's dispatch times out during this window (2 s after it was sent); nothing may be dispatched meanwhile.
        _workers.ExpectNoMsg(TimeSpan.FromSeconds(3));
        Complete(coordinator, next, 2.0, nextWorker);
        var redispatched = _workers.ReceiveWhile<RunTrial>(TimeSpan.FromSeconds(3), m => (RunTrial)m).First(r => r.Number == onA.Number);
        Assert.Equal((onA.Number, 2), (redispatched.Number, redispatched.Dispatch));
        Assert.StartsWith("b:1#1", redispatched.WorkerId);
    }

    [Fact]
    public void Trials_on_a_node_that_became_unreachable_are_dispatched_again_at_once()
    {
        // b is full at first (another study uses its slots), so the first trials all go to a.
        var (a, b) = (new WorkerNode("a:1#1", 2, 0), new WorkerNode("b:1#1", 4, 4));
        var coordinator = StartCoordinator(nodes: new[] { a, b });
        coordinator.Tell(new SubmitStudy("quad", StudyDeciderTests.Spec(maxTrials: 8, parallelism: 2)));
        ExpectMsg<StudySubmitted>();
        var runs = ExpectRuns(2);
        var onA = runs.Where(r => r.WorkerId.StartsWith("a:1#1", StringComparison.Ordinal)).Select(r => r.Number).Order().ToList();
        Assert.Equal(2, onA.Count);

        coordinator.Tell(new WorkerDirectory.WorkerNodesChanged(new[] { new WorkerNode("b:1#1", 4, 0) }));
        var again = ExpectRuns(2).OrderBy(r => r.Number).ToList();
        Assert.Equal(onA, again.Select(r => r.Number));
        Assert.All(again, r => Assert.Equal(2, r.Dispatch));
        Assert.All(again, r => Assert.StartsWith("b:1#1", r.WorkerId));

        // The study carries on to its end with every trial number once.
        var pending = runs.Where(r => !onA.Contains(r.Number)).Concat(again).ToList();
        while (pending.Count > 0)
        {
            var run = pending[0];
            pending.RemoveAt(0);
            Complete(coordinator, run, run.Number);
            pending.AddRange(_workers.ReceiveWhile<RunTrial>(TimeSpan.FromMilliseconds(300), m => (RunTrial)m));
        }
        var report = Report(coordinator);
        Assert.Equal(StudyStatus.Finished, report.Progress.Status);
        Assert.Equal(Enumerable.Range(0, 8), report.Trials!.Select(t => t.Number));
        Assert.All(report.Trials!, t => Assert.Equal(TrialState.Complete, t.State));
    }

    [Fact]
    public void Watchers_get_progress_until_the_study_finishes()
    {
        var coordinator = StartCoordinator();
        coordinator.Tell(new SubmitStudy("quad", StudyDeciderTests.Spec(maxTrials: 2, parallelism: 2)));
        ExpectMsg<StudySubmitted>();
        var watcher = CreateTestProbe();
        coordinator.Tell(new WatchStudy("quad", watcher.Ref));
        // Dispatched, but no worker has said it began: queued on the worker node, not running.
        watcher.ExpectMsg<StudyProgress>(p => Assert.Equal((0, 2), (p.Running, p.Queued)));
        foreach (var run in ExpectRuns(2)) Complete(coordinator, run, run.Number);
        var last = watcher.FishForMessage<StudyProgress>(p => p.Status == StudyStatus.Finished, TimeSpan.FromSeconds(10));
        Assert.Equal((2, StudyState.BudgetReached), (last.Complete, last.FinishReason));
        Assert.Equal(0, last.Best!.Number);
    }

    /// <summary>
    /// A running study's read model is written while results keep arriving (overlapping writes, starts deferred):
    /// its view advances during the run, and shows no finished trial that the journal does not hold.
    /// </summary>
    [Fact]
    public async Task A_study_whose_results_never_pause_still_gets_its_views_written_while_it_runs()
    {
        var views = new HyperTune.Cluster.Views.InMemoryStudyViews();
        HyperTune.Cluster.Views.StudyViewStore.Register(Sys, views, views);
        var coordinator = StartCoordinator(settings: Settings with { ViewInterval = TimeSpan.FromMilliseconds(100) });
        coordinator.Tell(new SubmitStudy("quad", StudyDeciderTests.Spec(maxTrials: 100_000, parallelism: 8)));
        ExpectMsg<StudySubmitted>();
        var worker = CreateTestProbe();
        worker.IgnoreMessages<TrialResultRecorded>();
        var versions = new SortedSet<long>();
        var sent = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (versions.Count < 4 && watch.Elapsed < TimeSpan.FromSeconds(20))
        {
            var run = _workers.ExpectMsg<RunTrial>(TimeSpan.FromSeconds(10));
            coordinator.Tell(new ReportTrialStarted("quad", run.Number, run.Dispatch, DateTimeOffset.UtcNow));
            coordinator.Tell(new ReportTrialResult(run.StudyId, run.Number, run.Dispatch,
                new Dictionary<string, double> { ["loss"] = run.Number }, null), worker.Ref);
            sent++;
            if (await views.GetAsync("quad", default) is { Status: "running" } view) versions.Add(view.Version);
        }
        Assert.True(versions.Count >= 4, $"{versions.Count} view versions while {sent} results went in");
        // What the views show was written: a recovered coordinator has at least as many finished trials.
        var shown = (await views.TrialsAsync("quad", 0, default)).Count(t => t.State == "complete");
        Watch(coordinator);
        coordinator.Tell(PoisonPill.Instance);
        ExpectTerminated(coordinator);
        Assert.InRange(shown, 1, Report(StartCoordinator()).Progress.Complete);
    }

    [Fact]
    public async Task A_finished_study_is_deleted_with_its_journal_and_views_and_its_id_starts_a_new_study()
    {
        var views = new HyperTune.Cluster.Views.InMemoryStudyViews();
        HyperTune.Cluster.Views.StudyViewStore.Register(Sys, views, views);
        var coordinator = StartCoordinator();
        coordinator.Tell(new SubmitStudy("quad", StudyDeciderTests.Spec(maxTrials: 7, parallelism: 2)));
        ExpectMsg<StudySubmitted>();

        // Not while it runs: nothing is deleted.
        coordinator.Tell(new DeleteStudy("quad"));
        Assert.Contains("stop it first", ExpectMsg<StudyRejected>().Reason);
        for (var done = 0; done < 7; done++)
            Complete(coordinator, _workers.ExpectMsg<RunTrial>(TimeSpan.FromSeconds(10)), done);
        Assert.Equal(StudyStatus.Finished, Report(coordinator).Progress.Status);
        await AwaitAssertAsync(async () => Assert.Equal(7, (await views.TrialsAsync("quad", 0, default)).Count),
            TimeSpan.FromSeconds(10));

        coordinator.Tell(new DeleteStudy("quad"));
        Assert.Equal(7, ExpectMsg<StudyDeleted>(TimeSpan.FromSeconds(10)).Trials);
        Assert.Null(await views.GetAsync("quad", default));
        Assert.Empty(await views.TrialsAsync("quad", 0, default));
        Watch(coordinator);
        coordinator.Tell(PoisonPill.Instance);
        ExpectTerminated(coordinator);
        // The coordinator wrote no view of the study as it stopped.
        Assert.Null(await views.GetAsync("quad", default));

        // Its journal and snapshots (one every 5 events) are gone: a coordinator of the id finds nothing, and a
        // submission creates a new study numbered from 0.
        var again = StartCoordinator();
        again.Tell(new GetStudy("quad"));
        ExpectMsg<StudyNotFound>();
        // A worker still re-sending a result of the deleted study is told there is none (and stops).
        var straggler = CreateTestProbe();
        again.Tell(new ReportTrialResult("quad", 3, 1, new Dictionary<string, double> { ["loss"] = 1.0 }, null),
            straggler.Ref);
        straggler.ExpectMsg<StudyNotFound>();
        var fresh = StartCoordinator();
        fresh.Tell(new SubmitStudy("quad", StudyDeciderTests.Spec(maxTrials: 3, parallelism: 1)));
        Assert.True(ExpectMsg<StudySubmitted>().Created);
        Assert.Equal(0, _workers.ExpectMsg<RunTrial>(TimeSpan.FromSeconds(10)).Number);
        Assert.Equal(0, Report(fresh).Progress.Complete);
    }

    [Fact]
    public void An_invalid_spec_is_rejected_and_nothing_is_stored()
    {
        var coordinator = StartCoordinator();
        coordinator.Tell(new SubmitStudy("quad", StudyDeciderTests.Spec().Replace("\"branin\"", "\"nope\"")));
        Assert.Contains("unknown function 'nope'", ExpectMsg<StudyRejected>().Reason);
        var again = StartCoordinator();
        again.Tell(new GetStudy("quad"));
        ExpectMsg<StudyNotFound>();
    }

    [Fact]
    public void A_trial_counts_as_running_from_when_its_worker_began_it_and_that_is_its_start_time()
    {
        var coordinator = StartCoordinator();
        coordinator.Tell(new SubmitStudy("quad", StudyDeciderTests.Spec(maxTrials: 4, parallelism: 2)));
        ExpectMsg<StudySubmitted>();
        var runs = ExpectRuns(2);
        var began = DateTimeOffset.UtcNow.AddSeconds(30);

        coordinator.Tell(new ReportTrialStarted("quad", runs[1].Number, runs[1].Dispatch, began));
        // A stale dispatch's report changes nothing.
        coordinator.Tell(new ReportTrialStarted("quad", runs[0].Number, runs[0].Dispatch + 1, began));

        var report = Report(coordinator);
        Assert.Equal((1, 1), (report.Progress.Running, report.Progress.Queued));
        Assert.Equal(began, report.Trials![runs[1].Number].StartedAt);
        Assert.Equal(new[] { runs[1].Number }, report.Executing!);
    }

    [Fact]
    public void A_recovered_coordinator_dispatches_the_trials_of_a_gone_node_again_as_new_dispatches()
    {
        var gone = new WorkerNode("127.0.0.1:2#2", 16, 0);
        var coordinator = StartCoordinator(nodes: gone);
        coordinator.Tell(new SubmitStudy("quad", StudyDeciderTests.Spec(maxTrials: 12, parallelism: 2)));
        ExpectMsg<StudySubmitted>();
        var runs = ExpectRuns(2);
        Assert.All(runs, r => Assert.Equal(1, r.Dispatch));
        Watch(coordinator);
        coordinator.Tell(PoisonPill.Instance);
        ExpectTerminated(coordinator);

        // Its node died with the coordinator; only Node is left.
        var recovered = StartCoordinator(nodes: Node);

        var again = ExpectRuns(2).OrderBy(r => r.Number).ToList();
        Assert.Equal(new[] { (0, 2), (1, 2) }, again.Select(r => (r.Number, r.Dispatch)));
        Assert.All(again, r => Assert.StartsWith(Node.NodeKey, r.WorkerId));
        Assert.Equal(new[] { 2, 2 }, Report(recovered).Dispatches!.Values);
    }

    // Three-fold cross-validation of an ML.NET learner (the data is never read here: probes stand in for workers).
    private static string CrossValidatedSpec(int maxTrials, int parallelism) => $$"""
        {
          "name": "cv",
          "objective": { "metric": "accuracy", "direction": "maximize" },
          "trainable": { "type": "mlnet", "task": "binary", "learner": "fasttree",
                         "data": { "train": "/nowhere/train.csv", "label": "label" }, "validation": { "folds": 3 } },
          "space": [ { "name": "learningRate", "type": "float", "low": 0.01, "high": 0.3, "log": true } ],
          "optimizer": { "type": "random", "seed": 1 },
          "budget": { "maxTrials": {{maxTrials}}, "parallelism": {{parallelism}} }
        }
        """;

    [Fact]
    public void A_trials_folds_run_as_parts_on_several_nodes_and_a_lost_nodes_parts_alone_run_again()
    {
        var (a, b) = (new WorkerNode("a:1#1", 2, 0), new WorkerNode("b:1#1", 2, 0));
        var coordinator = StartCoordinator("cv", nodes: new[] { a, b });
        coordinator.Tell(new SubmitStudy("cv", CrossValidatedSpec(maxTrials: 1, parallelism: 4)));
        ExpectMsg<StudySubmitted>();
        var runs = ExpectRuns(3);
        Assert.Equal(new int?[] { 0, 1, 2 }, runs.Select(r => r.Part).Order());
        Assert.All(runs, r => Assert.Equal(0, r.Number));
        Assert.Equal(3, runs.Select(r => r.Dispatch).Distinct().Count());
        var onA = runs.Where(r => r.WorkerId.StartsWith("a:1#1", StringComparison.Ordinal)).ToList();
        var onB = runs.Except(onA).ToList();
        Assert.NotEmpty(onA);
        Assert.NotEmpty(onB);
        foreach (var run in onA) CompletePart(coordinator, run, 0.9 + 0.01 * run.Part!.Value);

        // b is lost: only its parts run again, on a, as new dispatches; a's results stand.
        coordinator.Tell(new WorkerDirectory.WorkerNodesChanged(new[] { a }));
        var again = ExpectRuns(onB.Count);
        Assert.Equal(onB.Select(r => r.Part).Order(), again.Select(r => r.Part).Order());
        Assert.All(again, r => Assert.StartsWith("a:1#1", r.WorkerId));
        Assert.All(again, r => Assert.True(r.Dispatch > runs.Max(x => x.Dispatch)));
        _workers.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        foreach (var run in again) CompletePart(coordinator, run, 0.9 + 0.01 * run.Part!.Value);

        var asker = CreateTestProbe();
        coordinator.Tell(new GetStudy("cv", IncludeTrials: true), asker.Ref);
        var report = asker.ExpectMsg<StudyReport>();
        var trial = Assert.Single(report.Trials!);
        Assert.Equal((TrialState.Complete, StudyStatus.Finished), (trial.State, report.Progress.Status));
        Assert.Equal(0.91, trial.Value!.Value, 12);
        Assert.Equal(new[] { 0.90, 0.91, 0.92 },
            new[] { 1, 2, 3 }.Select(f => Math.Round(trial.Metrics[$"accuracy_fold{f}"], 12)));
        Assert.Equal(new[] { 1L, 2L, 3L }, trial.Intermediate.Select(v => v.Step));
    }

    private void CompletePart(IActorRef coordinator, RunTrial run, double accuracy)
    {
        var worker = CreateTestProbe();
        coordinator.Tell(new ReportTrialResult(run.StudyId, run.Number, run.Dispatch,
            new Dictionary<string, double> { ["accuracy"] = accuracy, ["auc"] = 0.95 }, null), worker.Ref);
        worker.ExpectMsg<TrialResultRecorded>(m => Assert.Equal(run.Dispatch, m.Dispatch));
    }

    [Fact]
    public void A_recovered_coordinator_reattaches_to_the_running_parts_and_keeps_the_finished_ones()
    {
        var coordinator = StartCoordinator("cv");
        coordinator.Tell(new SubmitStudy("cv", CrossValidatedSpec(maxTrials: 2, parallelism: 1)));
        ExpectMsg<StudySubmitted>();
        var runs = ExpectRuns(3).OrderBy(r => r.Part).ToList();
        Assert.All(runs, r => Assert.Equal(0, r.Number));
        CompletePart(coordinator, runs[0], 0.8);
        CompletePart(coordinator, runs[2], 0.7);
        // Parallelism 1: trial 1 waits for trial 0.
        _workers.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Watch(coordinator);
        coordinator.Tell(PoisonPill.Instance);
        ExpectTerminated(coordinator);

        var recovered = StartCoordinator("cv");
        var resent = ExpectRuns(1).Single();
        Assert.Equal((runs[1].WorkerId, 1), (resent.WorkerId, resent.Part));
        _workers.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        CompletePart(recovered, resent, 0.9);
        Assert.All(ExpectRuns(3), r => Assert.Equal(1, r.Number));
        var asker = CreateTestProbe();
        recovered.Tell(new GetStudy("cv", IncludeTrials: true), asker.Ref);
        var trial = asker.ExpectMsg<StudyReport>().Trials![0];
        Assert.Equal((TrialState.Complete, 0.8), (trial.State, Math.Round(trial.Value!.Value, 12)));
        Assert.Equal(new[] { 0.8, 0.9, 0.7 },
            new[] { 1, 2, 3 }.Select(f => Math.Round(trial.Metrics[$"accuracy_fold{f}"], 12)));
    }

    /// <summary>Runs the one-trial cross-validated study to its end (its three parts complete on the probes).</summary>
    private IActorRef FinishCrossValidatedStudy(params WorkerNode[] nodes)
    {
        var coordinator = StartCoordinator("cv", nodes: nodes);
        coordinator.Tell(new SubmitStudy("cv", CrossValidatedSpec(maxTrials: 1, parallelism: 1)));
        ExpectMsg<StudySubmitted>();
        foreach (var run in ExpectRuns(3)) CompletePart(coordinator, run, 0.9);
        return coordinator;
    }

    private StudyRefit? RefitOf(IActorRef coordinator)
    {
        var asker = CreateTestProbe();
        coordinator.Tell(new GetStudy("cv"), asker.Ref);
        return asker.ExpectMsg<StudyReport>().Progress.Refit;
    }

    [Fact]
    public void A_finished_studys_best_trial_is_refitted_on_a_worker_sent_again_when_the_worker_is_lost_and_recorded()
    {
        var (a, b) = (new WorkerNode("a:1#1", 2, 1), new WorkerNode("b:1#1", 2, 0));
        var coordinator = FinishCrossValidatedStudy(a, b);
        var first = _workers.ExpectMsg<RunRefit>(TimeSpan.FromSeconds(10));
        Assert.Equal((TrialWorkerId.FormatRefit("b:1#1", "cv", 1), 1), (first.WorkerId, first.Dispatch));
        var trial = Report(coordinator, "cv").Trials![0];
        Assert.Equal(trial.Params, first.Params);
        Assert.Equal("mlnet", first.RunSpec.Trainable().Type);

        // Its worker accepts it, then stops without an answer (its node died): the refit goes out again.
        var lostWorker = CreateTestProbe();
        coordinator.Tell(new RefitAccepted("cv", 1, lostWorker.Ref));
        Assert.Equal(RefitStatus.Running, RefitOf(coordinator)!.Status);
        Sys.Stop(lostWorker.Ref);
        var second = _workers.ExpectMsg<RunRefit>(TimeSpan.FromSeconds(10));
        // On a, though b has more free slots: the attempt on b was lost.
        Assert.Equal(TrialWorkerId.FormatRefit("a:1#1", "cv", 2), second.WorkerId);
        Assert.Contains("stopped without a result", RefitOf(coordinator)!.FailureReason);

        var worker = CreateTestProbe();
        coordinator.Tell(new RefitAccepted("cv", 2, worker.Ref));
        var scores = new Dictionary<string, double> { ["accuracy"] = 0.96, ["auc"] = 0.99 };
        coordinator.Tell(new ReportRefitResult("cv", 2, scores, 455, 114, "/a/artifacts/cv/model.zip", null),
            worker.Ref);
        worker.ExpectMsg<RefitRecorded>(m => Assert.Equal(2, m.Dispatch));
        // A late answer of the first attempt is confirmed (so its worker stops) and changes nothing.
        var late = CreateTestProbe();
        coordinator.Tell(new ReportRefitResult("cv", 1, scores, 1, 1, "/b/model.zip", null), late.Ref);
        late.ExpectMsg<RefitRecorded>();
        var refit = RefitOf(coordinator)!;
        Assert.Equal((RefitStatus.Complete, 0, "a:1#1", 0.96, 455, 114, "/a/artifacts/cv/model.zip", 1),
            (refit.Status, refit.Trial, refit.NodeKey, refit.TestMetrics["accuracy"], refit.TrainRows, refit.TestRows,
                refit.ModelPath, refit.FailedAttempts));

        // Recovered from the journal: done, nothing sent again.
        Watch(coordinator);
        coordinator.Tell(PoisonPill.Instance);
        ExpectTerminated(coordinator);
        var recovered = StartCoordinator("cv", nodes: new[] { a, b });
        var back = RefitOf(recovered)!;
        Assert.Equal(refit with { TestMetrics = back.TestMetrics, FailedNodes = back.FailedNodes }, back);
        Assert.Equal(new[] { "b:1#1" }, back.FailedNodes);
        Assert.Equal(refit.TestMetrics.OrderBy(m => m.Key), back.TestMetrics.OrderBy(m => m.Key));
        _workers.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public void A_recovered_coordinator_sends_a_running_refit_to_the_same_worker_and_an_operator_may_ask_again()
    {
        var coordinator = FinishCrossValidatedStudy(Node);
        var run = _workers.ExpectMsg<RunRefit>(TimeSpan.FromSeconds(10));
        Watch(coordinator);
        coordinator.Tell(PoisonPill.Instance);
        ExpectTerminated(coordinator);
        var recovered = StartCoordinator("cv");
        Assert.Equal((run.WorkerId, run.Dispatch), (_workers.ExpectMsg<RunRefit>().WorkerId, run.Dispatch));

        // Under way already: asking again changes nothing; once done, asking again refits anew.
        recovered.Tell(new RefitStudy("cv", "ops"));
        Assert.Equal(RefitStatus.Running, ExpectMsg<StudyReport>().Progress.Refit!.Status);
        _workers.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        var worker = CreateTestProbe();
        recovered.Tell(new ReportRefitResult("cv", 1, new Dictionary<string, double>(), 569, 0, null, null),
            worker.Ref);
        worker.ExpectMsg<RefitRecorded>();
        recovered.Tell(new RefitStudy("cv", "ops"));
        Assert.Equal("ops", ExpectMsg<StudyReport>().Progress.Refit!.Reason);
        Assert.Equal(2, _workers.ExpectMsg<RunRefit>().Dispatch);

        // A study whose trainable makes no model: refused, saying why.
        var quad = StartCoordinator();
        quad.Tell(new SubmitStudy("quad", StudyDeciderTests.Spec(maxTrials: 1, parallelism: 1)));
        ExpectMsg<StudySubmitted>();
        Complete(quad, ExpectRuns(1)[0], 1.0);
        quad.Tell(new RefitStudy("quad", "ops"));
        Assert.Contains("makes no model", ExpectMsg<StudyRejected>().Reason);
        _workers.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }
}
