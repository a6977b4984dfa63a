using Akka.Actor;
using Akka.TestKit.Xunit2;
using HyperTune.Cluster.Hosting;
using HyperTune.Cluster.Studies;
using HyperTune.Cluster.Workers;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;
using static HyperTune.Cluster.Studies.StudyEvents;
using static HyperTune.Cluster.Workers.TrialWorkerProtocol;

namespace HyperTune.Cluster.Tests;

/// <summary>
/// A run's end is recorded with the worker's time (when its slot was freed), not the time the coordinator got to
/// the message, so the journal's run times are exact (bench lifecycle measures slot utilization from them).
/// </summary>
public sealed class RunEndTimesTests : TestKit
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 7, 0, 0, TimeSpan.Zero);
    private static readonly WorkerNode[] OneNode = { new("a:1#1", 8, 0) };

    public RunEndTimesTests() : base(TestConfig.Local(StorageSpec.Memory))
    {
    }

    private static StudyState Dispatched()
    {
        var s = StudyState.Create(new StudyCreated("quad", StudyDeciderTests.Spec(maxTrials: 1, parallelism: 1), T0));
        var optimizer = OptimizerFactory.Create(s.Spec.Optimizer, s.Spec.Space, s.Spec.Objective.Direction);
        return StudyDecider.Plan(s, optimizer, OneNode, T0, 10).Aggregate(s, (acc, e) => acc.Apply(e));
    }

    private static Dictionary<string, double> Loss(double v) => new() { ["loss"] = v };

    [Fact]
    public void A_pause_at_the_stop_step_is_stamped_with_the_reports_time_and_a_decision_with_the_coordinators()
    {
        var s = Dispatched().Apply(new TrialStopAtStepSet(0, 2));
        var reported = T0.AddSeconds(1);
        var now = T0.AddSeconds(2);

        var paused = StudyDecider.Progress(s, new RunToCompletionScheduler(), 0, 1, 2, Loss(1.0), now, reportedAt: reported);
        var pruned = StudyDecider.Progress(Dispatched(), new PruneEverything(), 0, 1, 1, Loss(1.0), now, reportedAt: reported);

        Assert.Equal(new TrialPaused(0, 2, reported), paused[^1]);
        Assert.Equal(new TrialPruned(0, 1, 1.0, now), pruned[^1]);
        // Without the report's time (an older worker) the pause takes the coordinator's.
        Assert.Equal(new TrialPaused(0, 2, now),
            StudyDecider.Progress(s, new RunToCompletionScheduler(), 0, 1, 2, Loss(1.0), now)[^1]);
    }

    [Fact]
    public void A_worker_stamps_its_reports_and_its_result_with_its_own_clock()
    {
        var studies = CreateTestProbe("studies");
        studies.IgnoreMessages<ReportTrialStarted>();
        var settings = new WorkerSettings(1, Path.Combine(Path.GetTempPath(), "hypertune-run-end-times"),
            TimeSpan.FromMilliseconds(300));
        var cache = new TrainableCache(new Trainables.Processes.ProcessCommandPolicy(Array.Empty<string>()));
        var spec = StudyDeciderTests.Spec().Replace("\"function\": \"branin\"",
            "\"function\": \"branin\", \"steps\": 3, \"simulatedTrainingTime\": \"60ms\"");
        var worker = Sys.ActorOf(TrialWorker.Props(studies.Ref, Sys.ActorOf(WorkerSlots.Props(1)), settings, cache));
        var before = DateTimeOffset.UtcNow;
        worker.Tell(new RunTrial(TrialWorkerId.Format("a:1#1", "quad", 0, 1), "quad", "20261206-070000-000", 0, 1,
            TrialRunSpec.Of(StudySpecParser.Parse(spec)), Configuration.Empty.With("x", 1.0).With("y", 2.0)));

        var steps = Enumerable.Range(0, 3).Select(_ => studies.ExpectMsg<ReportTrialProgress>()).ToList();
        var result = studies.ExpectMsg<ReportTrialResult>(TimeSpan.FromSeconds(10));
        var after = DateTimeOffset.UtcNow;

        var times = steps.Select(p => p.At!.Value).Append(result.FinishedAt!.Value).ToList();
        Assert.All(times, t => Assert.InRange(t, before, after));
        // In order: each step after the last, the finish after the last step.
        Assert.Equal(times.Order(), times);
    }

    private sealed class PruneEverything : ITrialScheduler
    {
        public bool PausesTrials => false;

        public ReportDecision OnReport(TrialHistory history, int trialNumber) => ReportDecision.Prune("test");

        public SlotDecision OnSlotFree(SchedulerContext context) => SlotDecision.StartNew();

        public IReadOnlyList<RungSummary> Rungs(TrialHistory history) => Array.Empty<RungSummary>();
    }
}
