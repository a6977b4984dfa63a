using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using HyperTune.Cluster.Api;
using HyperTune.Cluster.Studies;
using HyperTune.Cluster.Workers;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Studies;
using static HyperTune.Cluster.Studies.StudyProtocol;
using static HyperTune.Cluster.Workers.TrialWorkerProtocol;

namespace HyperTune.Cluster.Tests;

/// <summary>
/// The coordinator with the spec's own scheduler (successive halving without maxResource, over a function of 9
/// steps) and a probe as the worker region: the trainable's steps make the ladder 1, 3 (then 9, the end), the
/// last step is never a pause, and the study's report carries the rung table 9 → 3 → 1.
/// </summary>
public sealed class StudyRungReportSpec : TestKit
{
    private static readonly WorkerNode Node = new("127.0.0.1:1#1", 16, 0);

    private static readonly StudySettings Settings = new(5, 3, TimeSpan.FromMilliseconds(50),
        TimeSpan.FromMilliseconds(200), TimeSpan.FromMinutes(1), DispatchTimeout: TimeSpan.FromSeconds(10),
        SuspectNodeFor: TimeSpan.FromSeconds(30));

    private static readonly string Spec = StudyDeciderTests.Spec(maxTrials: 9, parallelism: 9)
        .Replace("\"maxRetries\"", "\"scheduler\": { \"type\": \"successive-halving\" }, \"maxRetries\"")
        .Replace("""{ "type": "function", "function": "branin" }""",
            """{ "type": "function", "function": "branin", "steps": 9 }""");

    private readonly SqliteMemoryDatabase _db;
    private readonly TestProbe _workers;

    public StudyRungReportSpec() : this(new SqliteMemoryDatabase())
    {
    }

    private StudyRungReportSpec(SqliteMemoryDatabase db) : base(TestConfig.Local(db.Storage))
    {
        _db = db;
        _workers = CreateTestProbe("workers");
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        _db.Dispose();
    }

    /// <summary>The next <paramref name="count"/> runs sent to workers, and the pauses sent before them.</summary>
    private (List<RunTrial> Runs, List<PauseTrial> Pauses) Next(int count)
    {
        var runs = new List<RunTrial>();
        var pauses = new List<PauseTrial>();
        while (runs.Count < count)
        {
            switch (_workers.ReceiveOne(TimeSpan.FromSeconds(10)))
            {
                case RunTrial run: runs.Add(run); break;
                case PauseTrial pause: pauses.Add(pause); break;
                case CancelTrial cancel: throw new Xunit.Sdk.XunitException($"unexpected cancel: {cancel}");
                case null: throw new Xunit.Sdk.XunitException($"only {runs.Count} of {count} runs came");
            }
        }
        return (runs, pauses);
    }

    private static void Progress(IActorRef coordinator, RunTrial run, long to)
    {
        // Trial n's curve is flat at n + 1: trial 0 is the best at every rung.
        for (var step = run.ResumeStep + 1; step <= to; step++)
            coordinator.Tell(new ReportTrialProgress("quad", run.Number, run.Dispatch, step,
                new Dictionary<string, double> { ["loss"] = run.Number + 1 }));
    }

    private StudyReport Report(IActorRef coordinator, bool trials = true)
    {
        var asker = CreateTestProbe();
        coordinator.Tell(new GetStudy("quad", trials), asker.Ref);
        return asker.ExpectMsg<StudyReport>();
    }

    [Fact]
    public void A_stop_at_the_last_step_is_not_sent_and_the_last_report_is_not_judged()
    {
        var directory = CreateTestProbe();
        // Its rung is at step 9, the trainable's end; it prunes any report above 5.
        var scheduler = new FakeRungScheduler(rungSize: 1, milestone: 9, keep: 1, pruneAbove: 5);
        var coordinator = Sys.ActorOf(StudyCoordinator.Props("quad", Settings, _workers.Ref, directory.Ref, null,
            _ => scheduler));
        directory.ExpectMsg<WorkerDirectory.SubscribeWorkerNodes>();
        coordinator.Tell(new WorkerDirectory.WorkerNodesChanged(new[] { Node }));
        coordinator.Tell(new SubmitStudy("quad", StudyDeciderTests.Spec(maxTrials: 1, parallelism: 1)
            .Replace("""{ "type": "function", "function": "branin" }""",
                """{ "type": "function", "function": "branin", "steps": 9 }""")));
        ExpectMsg<StudySubmitted>();
        var run = _workers.ExpectMsg<RunTrial>(TimeSpan.FromSeconds(10));
        Assert.Null(run.StopAtStep);
        for (var step = 1; step <= 9; step++)
            coordinator.Tell(new ReportTrialProgress("quad", 0, run.Dispatch, step,
                new Dictionary<string, double> { ["loss"] = step == 9 ? 8 : 1 }));
        // Neither a pause nor a prune at step 9: the result is on its way.
        _workers.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        var worker = CreateTestProbe();
        coordinator.Tell(new ReportTrialResult("quad", 0, run.Dispatch,
            new Dictionary<string, double> { ["loss"] = 8 }, null), worker.Ref);
        worker.ExpectMsg<TrialResultRecorded>();
        AwaitAssert(() => Assert.Equal(StudyStatus.Finished, Report(coordinator).Progress.Status),
            TimeSpan.FromSeconds(5));
        var trial = Report(coordinator).Trials!.Single();
        Assert.Equal((TrialState.Complete, 8.0, 9L), (trial.State, trial.Value, trial.LastIntermediate!.Step));
    }

    [Fact]
    public void Halving_over_the_trainables_steps_reports_its_rungs_down_to_the_full_resource()
    {
        var directory = CreateTestProbe();
        var coordinator = Sys.ActorOf(StudyCoordinator.Props("quad", Settings, _workers.Ref, directory.Ref));
        directory.ExpectMsg<WorkerDirectory.SubscribeWorkerNodes>();
        coordinator.Tell(new WorkerDirectory.WorkerNodesChanged(new[] { Node }));
        coordinator.Tell(new SubmitStudy("quad", Spec));
        ExpectMsg<StudySubmitted>();

        // Rung 0 at step 1: all nine pause there.
        var (first, _) = Next(9);
        Assert.All(first, r => Assert.Equal((long?)1, r.StopAtStep));
        foreach (var run in first) Progress(coordinator, run, 1);
        // The best three resume from step 1 up to rung 1 at step 3.
        var (second, pauses) = Next(3);
        Assert.Equal(9, pauses.Count);
        Assert.Equal(new[] { 0, 1, 2 }, second.Select(r => r.Number).Order());
        Assert.All(second, r => Assert.Equal((1L, (long?)3), (r.ResumeStep, r.StopAtStep)));
        foreach (var run in second) Progress(coordinator, run, 3);
        // The lone survivor runs to the trainable's end (9: no rung there, no pause).
        var last = Next(1).Runs.Single();
        Assert.Equal((0, 3L, (long?)null), (last.Number, last.ResumeStep, last.StopAtStep));
        Progress(coordinator, last, 9);
        _workers.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        var worker = CreateTestProbe();
        coordinator.Tell(new ReportTrialResult("quad", 0, last.Dispatch,
            new Dictionary<string, double> { ["loss"] = 1 }, null), worker.Ref);
        worker.ExpectMsg<TrialResultRecorded>();
        AwaitAssert(() => Assert.Equal(StudyStatus.Finished, Report(coordinator).Progress.Status),
            TimeSpan.FromSeconds(5));

        var report = Report(coordinator);
        Assert.Equal((1, 8), (report.Progress.Complete, report.Progress.Pruned));
        // Trials, promoted and best value per rung: 9 at step 1, 3 at step 3, 1 at step 9 (the full resource).
        Assert.Equal(new[]
        {
            new RungSummary(0, 0, 1, 9, 3, 1.0),
            new RungSummary(0, 1, 3, 3, 1, 1.0),
            new RungSummary(0, 2, 9, 1, 0, 1.0),
        }, report.Rungs);
        // Also without the trial list: the table is small, and `study show` prints it.
        Assert.Equal(report.Rungs, Report(coordinator, trials: false).Rungs);

        var doc = JsonNode.Parse(StudyJson.ToJson(report, includeTrials: true))!;
        Assert.Equal(new long[] { 9, 3, 1 }, doc["rungs"]!.AsArray().Select(r => (long)r!["trials"]!));
        Assert.Equal(9 + 2 * 3 + 6 * 1, (long)doc["steps"]!);
        Assert.Equal(0, (int)doc["trials"]!["paused"]!);
    }
}
