using System.Text.Json;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using HyperTune.Cluster.Checkpoints;
using HyperTune.Cluster.Hosting;
using HyperTune.Cluster.Workers;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using static HyperTune.Cluster.Workers.TrialWorkerProtocol;

namespace HyperTune.Cluster.Tests;

/// <summary>Trial workers running real processes, with a probe as the study region.</summary>
public sealed class TrialWorkerSpec : TestKit, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-worker-").FullName;
    private readonly TestProbe _studies;
    private readonly WorkerSettings _settings;
    private readonly TrainableCache _cache = new(new HyperTune.Trainables.Processes.ProcessCommandPolicy(new[] { "/bin/sh" }));

    public TrialWorkerSpec() : base(TestConfig.Local(StorageSpec.Memory))
    {
        _studies = CreateTestProbe("studies");
        // Start reports have a test of their own below.
        _studies.IgnoreMessages<ReportTrialStarted>();
        _settings = new WorkerSettings(2, Path.Combine(_dir, "checkpoints"), TimeSpan.FromMilliseconds(300));
    }

    void IDisposable.Dispose()
    {
        Shutdown();
        Directory.Delete(_dir, recursive: true);
    }

    private string ProcessSpec(string script, string timeout = "1m")
    {
        var path = Path.Combine(_dir, $"s{Guid.NewGuid():N}.sh");
        File.WriteAllText(path, "#!/bin/sh\n" + script + "\n");
        return $$"""
            {
              "name": "proc",
              "objective": { "metric": "loss", "direction": "minimize" },
              "trainable": { "type": "process", "command": "/bin/sh", "args": [{{JsonSerializer.Serialize(path)}}] },
              "space": [ { "name": "x", "type": "float", "low": 0, "high": 1 } ],
              "budget": { "maxTrials": 5 },
              "trialTimeout": "{{timeout}}"
            }
            """;
    }

    private (IActorRef Worker, RunTrial Run) Start(string spec, int number, IActorRef slots, string incarnation = "20261122-080000-000")
    {
        var worker = Sys.ActorOf(TrialWorker.Props(_studies.Ref, slots, _settings, _cache));
        var run = new RunTrial(TrialWorkerId.Format("n:1#1", "proc", number, 1), "proc", incarnation, number, 1,
            TrialRunSpec.Of(StudySpecParser.Parse(spec)), Configuration.From(new Dictionary<string, object> { ["x"] = 0.5 }));
        worker.Tell(run);
        return (worker, run);
    }

    [Fact]
    public void A_built_in_function_without_training_time_runs_on_the_worker_and_reports_its_start_with_its_result()
    {
        var spec = """
            {
              "name": "inline", "objective": { "metric": "value", "direction": "minimize" },
              "trainable": { "type": "function", "function": "branin" },
              "space": [ { "name": "x", "type": "float", "low": -5, "high": 10 }, { "name": "y", "type": "float", "low": 0, "high": 15 } ],
              "budget": { "maxTrials": 2 }
            }
            """;
        Assert.True(_cache.Get(TrialRunSpec.Of(StudySpecParser.Parse(spec))).RunsInline);
        var slots = Sys.ActorOf(WorkerSlots.Props(1));
        // A probe of its own: the shared one ignores start reports.
        var studies = CreateTestProbe();
        var worker = Sys.ActorOf(TrialWorker.Props(studies.Ref, slots, _settings, _cache));
        var at = new Dictionary<string, object> { ["x"] = Math.PI, ["y"] = 2.275 };
        worker.Tell(new RunTrial(TrialWorkerId.Format("n:1#1", "proc", 0, 1), "proc", "20261122-080000-000", 0, 1,
            TrialRunSpec.Of(StudySpecParser.Parse(spec)), Configuration.From(at)));
        // It took the free slot at once and ended as it started: one message, no acceptance or start report before.
        var result = studies.ExpectMsg<ReportTrialResult>();
        Assert.Null(result.FailureReason);
        // Branin's global minimum, 0.397887, at (pi, 2.275).
        Assert.Equal(0.397887, result.Metrics["value"], 5);
        Assert.NotNull(result.StartedAt);
        Assert.True(result.FinishedAt >= result.StartedAt);
        // The slot is free again at once: the next trial on this one-slot node gets it.
        var next = Sys.ActorOf(TrialWorker.Props(studies.Ref, slots, _settings, _cache));
        next.Tell(new RunTrial(TrialWorkerId.Format("n:1#1", "proc", 1, 1), "proc", "20261122-080000-000", 1, 1,
            TrialRunSpec.Of(StudySpecParser.Parse(spec)), Configuration.From(at)));
        studies.FishForMessage<ReportTrialResult>(r => r.Number == 1, TimeSpan.FromSeconds(5));
        // With training time the same function is not inline (it waits): it goes through the thread pool.
        Assert.False(_cache.Get(TrialRunSpec.Of(StudySpecParser.Parse(spec.Replace("\"branin\" }",
            "\"branin\", \"simulatedTrainingTime\": \"10ms\" }")))).RunsInline);
    }

    [Fact]
    public void A_crashing_objective_reports_a_failure_with_stderr_and_resends_it_until_recorded()
    {
        var slots = Sys.ActorOf(WorkerSlots.Props(2));
        var (worker, run) = Start(ProcessSpec("echo 'hypertune-report step=1 loss=0.7'; echo 'ValueError: bad lr' >&2; exit 1"), 0, slots);
        Assert.Equal(0.7, _studies.ExpectMsg<ReportTrialProgress>().Metrics["loss"]);
        var result = _studies.ExpectMsg<ReportTrialResult>(TimeSpan.FromSeconds(10));
        Assert.Contains("exited with code 1", result.FailureReason);
        Assert.Contains("ValueError: bad lr", result.FailureReason);
        // Not acknowledged: it comes again.
        Assert.Equal(result, _studies.ExpectMsg<ReportTrialResult>(TimeSpan.FromSeconds(5)));
        worker.Tell(new TrialResultRecorded("proc", 0, 1));
        ExpectResendsToStop(result);
    }

    /// <summary>
    /// Re-sends already on their way may still arrive (on a loaded machine the probe can hold several queued before
    /// the worker reads the answer), then none: the re-send timer (300 ms here) must have stopped. Without the stop
    /// the messages never pause for 700 ms, and the drain runs into its 5 s bound.
    /// </summary>
    private void ExpectResendsToStop(object result)
    {
        var late = _studies.ReceiveWhile<object>(TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(700), m => m);
        Assert.All(late, m => Assert.Equal(result, m));
        Assert.True(late.Count < 10, $"{late.Count} re-sends after the answer");
        _studies.ExpectNoMsg(TimeSpan.FromMilliseconds(900));
    }

    [Fact]
    public void A_result_whose_study_no_longer_exists_is_not_sent_again()
    {
        var slots = Sys.ActorOf(WorkerSlots.Props(2));
        var (worker, _) = Start(ProcessSpec("echo 'hypertune-report step=1 loss=0.7'"), 0, slots);
        var result = _studies.FishForMessage<ReportTrialResult>(_ => true, TimeSpan.FromSeconds(10));
        Assert.Equal(result, _studies.ExpectMsg<ReportTrialResult>(TimeSpan.FromSeconds(5)));
        // The study was deleted: its coordinator answers that it has none.
        worker.Tell(new Cluster.Studies.StudyProtocol.StudyNotFound("proc"));
        ExpectResendsToStop(result);
    }

    [Fact]
    public void A_worker_refuses_a_process_command_its_own_node_does_not_allow_and_fails_the_trial_with_the_reason()
    {
        // The submitting node may have allowed it; this node's list decides what runs here.
        var marker = Path.Combine(_dir, "ran");
        var strict = new TrainableCache(HyperTune.Trainables.Processes.ProcessCommandPolicy.None);
        var slots = Sys.ActorOf(WorkerSlots.Props(2));
        var worker = Sys.ActorOf(TrialWorker.Props(_studies.Ref, slots, _settings, strict));
        worker.Tell(new RunTrial(TrialWorkerId.Format("n:1#1", "proc", 0, 1), "proc", "20261122-080000-000", 0, 1,
            TrialRunSpec.Of(StudySpecParser.Parse(ProcessSpec($"touch {marker}; echo 'hypertune-report loss=1'"))),
            Configuration.From(new Dictionary<string, object> { ["x"] = 0.5 })));

        var result = _studies.ExpectMsg<ReportTrialResult>(TimeSpan.FromSeconds(10));
        Assert.Contains("'/bin/sh' is not allowed on this node", result.FailureReason);
        Assert.Contains("hypertune.trainables.process.allowed-commands", result.FailureReason);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void Checkpoints_are_kept_per_study_incarnation_so_a_new_study_under_an_old_id_starts_afresh()
    {
        // The script resumes when its checkpoint directory already holds its mark, as a training script would.
        var slots = Sys.ActorOf(WorkerSlots.Props(2));
        var spec = ProcessSpec("""
            if [ -f "$HYPERTUNE_CHECKPOINT_DIR/mark" ]; then echo 'hypertune-report loss=2'; exit 0; fi
            echo started > "$HYPERTUNE_CHECKPOINT_DIR/mark"; echo 'hypertune-report loss=1'
            """);
        double Run(string incarnation)
        {
            var (worker, _) = Start(spec, 3, slots, incarnation);
                var result = _studies.FishForMessage<ReportTrialResult>(_ => true, TimeSpan.FromSeconds(10));
            worker.Tell(new TrialResultRecorded("proc", 3, 1));
            Assert.Null(result.FailureReason);
            return result.Metrics["loss"];
        }

        Assert.Equal(1, Run("20261122-080000-000"));
        Assert.True(File.Exists(Path.Combine(_dir, "checkpoints", "proc", "20261122-080000-000", "trial-3", "mark")));
        // The same study again (a recovered coordinator re-running the trial) resumes from the checkpoint...
        Assert.Equal(2, Run("20261122-080000-000"));
        // ...but a study created later under the same id (another store, an in-memory run) does not.
        Assert.Equal(1, Run("20261122-090000-000"));
    }

    [Fact]
    public void A_trial_over_its_timeout_is_killed_and_reported_failed()
    {
        var slots = Sys.ActorOf(WorkerSlots.Props(2));
        var (_, _) = Start(ProcessSpec("sleep 60; echo 'hypertune-report loss=1'", timeout: "1s"), 0, slots);
        var result = _studies.ExpectMsg<ReportTrialResult>(TimeSpan.FromSeconds(10));
        Assert.Contains("timed out after 00:00:01", result.FailureReason);
        AwaitAssert(() =>
        {
            slots.Tell(new WorkerSlots.GetSlotUsage());
            Assert.Equal(0, ExpectMsg<WorkerSlots.SlotUsage>().Busy);
        }, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void A_node_runs_no_more_trials_than_its_slots_and_queued_trials_start_when_one_frees()
    {
        var slots = Sys.ActorOf(WorkerSlots.Props(1));
        var marker = Path.Combine(_dir, "release");
        var spec = ProcessSpec($"while [ ! -f {marker} ]; do sleep 0.05; done; echo 'hypertune-report loss=0.5'");
        Start(spec, 0, slots);
        Start(spec, 1, slots);
        // One took the slot (its start report stands for its acceptance); the other waits, and says it has it.
        var waiting = _studies.ExpectMsg<TrialAccepted>().Number;
        Assert.Contains(waiting, new[] { 0, 1 });
        AwaitAssert(() =>
        {
            slots.Tell(new WorkerSlots.GetSlotUsage());
            var usage = ExpectMsg<WorkerSlots.SlotUsage>();
            Assert.Equal((1, 1, 1), (usage.Capacity, usage.Busy, usage.Queued));
            Assert.Equal(1, usage.BusyByStudy["proc"]);
        }, TimeSpan.FromSeconds(5));
        _studies.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        File.WriteAllText(marker, "");
        var results = new[] { _studies.FishForMessage<ReportTrialResult>(_ => true, TimeSpan.FromSeconds(10)), _studies.FishForMessage<ReportTrialResult>(_ => true, TimeSpan.FromSeconds(10)) };
        Assert.All(results, r => Assert.Null(r.FailureReason));
    }

    [Fact]
    public void Cancelling_stops_the_process_and_handing_off_reports_an_interruption()
    {
        var slots = Sys.ActorOf(WorkerSlots.Props(2));
        var spec = ProcessSpec("echo 'hypertune-report step=1 loss=1'; sleep 60");
        var (cancelled, _) = Start(spec, 0, slots);
        _studies.ExpectMsg<ReportTrialProgress>(TimeSpan.FromSeconds(10));
        cancelled.Tell(new CancelTrial("x", "pruned"));
        _studies.ExpectNoMsg(TimeSpan.FromSeconds(1));
        AwaitAssert(() =>
        {
            slots.Tell(new WorkerSlots.GetSlotUsage());
            Assert.Equal(0, ExpectMsg<WorkerSlots.SlotUsage>().Busy);
        }, TimeSpan.FromSeconds(5));

        var (handedOff, _) = Start(spec, 1, slots);
        _studies.ExpectMsg<ReportTrialProgress>(TimeSpan.FromSeconds(10));
        Watch(handedOff);
        handedOff.Tell(HandOffTrial.Instance);
        Assert.Contains("leaving", _studies.ExpectMsg<ReportTrialInterrupted>().Reason);
        ExpectTerminated(handedOff);
    }

    [Fact]
    public void A_worker_reports_when_its_trial_takes_a_slot_and_again_when_a_coordinator_re_attaches()
    {
        var studies = CreateTestProbe();
        var slots = Sys.ActorOf(WorkerSlots.Props(1));
        var spec = ProcessSpec("sleep 2; echo 'hypertune-report loss=0.5'");
        var running = Sys.ActorOf(TrialWorker.Props(studies.Ref, slots, _settings, _cache));
        running.Tell(Run(spec, 0), studies.Ref);
        // A slot at once: no acceptance of its own, the start report names the worker for the coordinator to watch.
        var first = studies.ExpectMsg<ReportTrialStarted>(s => Assert.Equal(0, s.Number));
        Assert.Equal(running, first.Worker);

        // The only slot is taken: trial 1 is accepted but queued, with no start report until trial 0 ends.
        var queued = Sys.ActorOf(TrialWorker.Props(studies.Ref, slots, _settings, _cache));
        var queuedAt = DateTimeOffset.UtcNow;
        queued.Tell(Run(spec, 1));
        studies.ExpectMsg<TrialAccepted>(a => Assert.Equal(1, a.Number));
        studies.ExpectNoMsg(TimeSpan.FromMilliseconds(800));

        var started = studies.FishForMessage<ReportTrialStarted>(s => s.Number == 1, TimeSpan.FromSeconds(20));
        Assert.Equal(queued, started.Worker);
        Assert.True(started.At - queuedAt > TimeSpan.FromMilliseconds(800), $"trial 1 started {started.At - queuedAt} after it was queued");

        // A recovered coordinator re-sends the trial: the worker says again when it began.
        queued.Tell(Run(spec, 1));
        Assert.Equal(started.At, studies.FishForMessage<ReportTrialStarted>(s => s.Number == 1, TimeSpan.FromSeconds(10)).At);
        Assert.True(first.At <= started.At);
    }

    [Fact]
    public void A_paused_trial_stops_at_once_frees_its_slot_and_reports_its_last_step_until_recorded()
    {
        var slots = Sys.ActorOf(WorkerSlots.Props(1));
        var spec = ProcessSpec("echo 'hypertune-report step=1 loss=1'; echo 'hypertune-report step=2 loss=0.8'; sleep 60");
        var (worker, _) = Start(spec, 0, slots);
        _studies.ExpectMsg<ReportTrialProgress>(TimeSpan.FromSeconds(10));
        _studies.ExpectMsg<ReportTrialProgress>(p => Assert.Equal(2, p.Step), TimeSpan.FromSeconds(10));
        worker.Tell(new PauseTrial("x", "rung milestone"));
        var paused = _studies.ExpectMsg<ReportTrialPaused>(TimeSpan.FromSeconds(10));
        Assert.Equal((0, 1, 2L), (paused.Number, paused.Dispatch, paused.Step));
        slots.Tell(new WorkerSlots.GetSlotUsage());
        Assert.Equal(0, ExpectMsg<WorkerSlots.SlotUsage>().Busy);
        // Re-sent until the coordinator records it.
        _studies.ExpectMsg<ReportTrialPaused>(TimeSpan.FromSeconds(5));
        worker.Tell(new TrialResultRecorded("proc", 0, 1));
        _studies.ReceiveWhile(TimeSpan.FromMilliseconds(200), m => m as ReportTrialPaused);
        // Recorded: no more re-sends (every 300 ms before).
        _studies.ExpectNoMsg(TimeSpan.FromMilliseconds(900));
    }

    [Fact]
    public void A_run_that_reaches_its_stop_step_reports_paused_and_a_resumed_run_gets_the_resume_step()
    {
        var slots = Sys.ActorOf(WorkerSlots.Props(2));
        var spec = ProcessSpec("""
            echo "hypertune-report step=$((HYPERTUNE_RESUME_STEP + 1)) loss=1"
            echo "hypertune-report step=$HYPERTUNE_STOP_AT_STEP loss=0.5"
            """);
        var worker = Sys.ActorOf(TrialWorker.Props(_studies.Ref, slots, _settings, _cache));
        worker.Tell(Run(spec, 0) with { ResumeStep = 3, StopAtStep = 6 });
        Assert.Equal(4, _studies.ExpectMsg<ReportTrialProgress>(TimeSpan.FromSeconds(10)).Step);
        Assert.Equal(6, _studies.ExpectMsg<ReportTrialProgress>(TimeSpan.FromSeconds(10)).Step);
        Assert.Equal(6L, _studies.ExpectMsg<ReportTrialPaused>(TimeSpan.FromSeconds(10)).Step);
    }

    private static RunTrial Run(string spec, int number) =>
        new(TrialWorkerId.Format("n:1#1", "proc", number, 1), "proc", "20261122-080000-000", number, 1,
            TrialRunSpec.Of(StudySpecParser.Parse(spec)), Configuration.From(new Dictionary<string, object> { ["x"] = 0.5 }));

    private static readonly string ToySpec = """
        {
          "name": "pbt", "objective": { "metric": "q", "direction": "maximize" },
          "trainable": { "type": "function", "function": "pbt-toy", "steps": 12 },
          "space": [ { "name": "h0", "type": "float", "low": 0, "high": 1 }, { "name": "h1", "type": "float", "low": 0, "high": 1 } ],
          "budget": { "maxTrials": 2 }
        }
        """;

    private RunTrial ToyRun(int number, long resume, long? stop, double h, int? donor = null, long discard = 0) =>
        new(TrialWorkerId.Format("n:1#1", "pbt", number, 1 + (int)resume), "pbt", "20261206-080000-000", number,
            1 + (int)resume, TrialRunSpec.Of(StudySpecParser.Parse(ToySpec)),
            Configuration.From(new Dictionary<string, object> { ["h0"] = h, ["h1"] = h }))
        {
            ResumeStep = resume, StopAtStep = stop, RestoreFromTrial = donor, KeepPauseCheckpoints = true,
            DiscardKeptBefore = discard,
        };

    private string Kept(int number, long step) =>
        CheckpointDirectories.Kept(_settings.CheckpointRoot, "pbt", "20261206-080000-000", number, step);

    private ReportTrialPaused RunToPause(IActorRef slots, RunTrial run)
    {
        Sys.ActorOf(TrialWorker.Props(_studies.Ref, slots, _settings, _cache)).Tell(run);
        // Unacknowledged pauses of earlier runs are re-sent meanwhile: this run's is the one that counts.
        return _studies.FishForMessage<ReportTrialPaused>(p => p.Number == run.Number && p.Dispatch == run.Dispatch,
            TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void A_population_worker_keeps_each_pause_checkpoint_starts_an_exploit_from_the_donors_and_discards_old_ones()
    {
        var slots = Sys.ActorOf(WorkerSlots.Props(2));
        // Donor 0 trains to step 4 with h = 1 and pauses: its checkpoint at 4 is kept before the report is sent on.
        Sys.ActorOf(TrialWorker.Props(_studies.Ref, slots, _settings, _cache)).Tell(ToyRun(0, 0, 4, 1.0));
        _studies.FishForMessage<ReportTrialProgress>(p => p.Step == 4, TimeSpan.FromSeconds(10));
        Assert.True(Directory.Exists(Kept(0, 4)));
        _studies.FishForMessage<ReportTrialPaused>(p => p.Number == 0, TimeSpan.FromSeconds(10));

        // Member 1 trained to step 4 with h = 0 (θ unchanged), then exploits 0: it starts from 0's state at step 4.
        Assert.Equal(4, RunToPause(slots, ToyRun(1, 0, 4, 0.0)).Step);
        Sys.ActorOf(TrialWorker.Props(_studies.Ref, slots, _settings, _cache)).Tell(ToyRun(1, 4, 8, 0.0, donor: 0));
        var step5 = _studies.FishForMessage<ReportTrialProgress>(p => p.Number == 1 && p.Step == 5, TimeSpan.FromSeconds(10));
        var theta = 0.9 * Math.Pow(0.98, 4);
        Assert.Equal(1.2 - 2 * theta * theta, step5.Metrics["q"], 12);
        _studies.FishForMessage<ReportTrialPaused>(p => p.Number == 1, TimeSpan.FromSeconds(10));
        // Its own copy at step 4 is now the state it continued from (the donor's), for a resume after a lost node.
        Assert.Equal(File.ReadAllText(Path.Combine(Kept(0, 4), "theta-4.json")),
            File.ReadAllText(Path.Combine(Kept(1, 4), "theta-4.json")));

        // Donor 0 goes on to step 8; every member passed step 4, so its copy at 4 is discarded, the one at 8 kept.
        Assert.Equal(8, RunToPause(slots, ToyRun(0, 4, 8, 1.0, discard: 5)).Step);
        Assert.False(Directory.Exists(Kept(0, 4)));
        Assert.True(Directory.Exists(Kept(0, 8)));
    }

    [Fact]
    public void An_exploit_whose_donor_copy_is_missing_fails_the_run_naming_the_checkpoint_and_the_shared_root()
    {
        var slots = Sys.ActorOf(WorkerSlots.Props(2));
        Sys.ActorOf(TrialWorker.Props(_studies.Ref, slots, _settings, _cache)).Tell(ToyRun(1, 4, 8, 0.5, donor: 0));
        // A restore may outlast the coordinator's wait for an answer: the trial is accepted before it, slot or not.
        Assert.Equal(1, _studies.ExpectMsg<TrialAccepted>().Number);
        var result = _studies.ExpectMsg<ReportTrialResult>(TimeSpan.FromSeconds(10));
        Assert.Contains("trial 0's checkpoint at step 4", result.FailureReason);
        Assert.Contains("checkpoint-root", result.FailureReason);
    }

    [Fact]
    public void A_population_member_resumed_on_a_node_without_its_checkpoint_continues_from_its_latest_kept_copy()
    {
        var slots = Sys.ActorOf(WorkerSlots.Props(2));
        Assert.Equal(4, RunToPause(slots, ToyRun(0, 0, 4, 1.0)).Step);
        // The run went on to step 6 (recorded) on a node that then died: this node has no directory for the trial.
        Directory.Delete(CheckpointDirectories.Trial(_settings.CheckpointRoot, "pbt", "20261206-080000-000", 0), true);
        Sys.ActorOf(TrialWorker.Props(_studies.Ref, slots, _settings, _cache)).Tell(ToyRun(0, 6, 8, 1.0));
        // It trains again from the copy at step 4: steps 5 and 6 come again (the coordinator counts them once).
        var next = _studies.FishForMessage<ReportTrialProgress>(p => p.Number == 0, TimeSpan.FromSeconds(10));
        Assert.Equal(5, next.Step);
        var theta = 0.9 * Math.Pow(0.98, 5);
        Assert.Equal(1.2 - 2 * theta * theta, next.Metrics["q"], 12);
        Assert.Equal(8, _studies.FishForMessage<ReportTrialPaused>(p => p.Dispatch == 7, TimeSpan.FromSeconds(10)).Step);
    }

    [Fact]
    public async Task A_study_that_names_its_checkpoint_store_gets_that_one_whatever_the_nodes_own_is()
    {
        var database = new HyperTune.Cluster.Checkpoints.DatabaseCheckpointStore(
            StorageSpec.SqliteFile(Path.Combine(_dir, "studies.db")));
        var directory = new HyperTune.Cluster.Checkpoints.DirectoryCheckpointStore(_settings.CheckpointRoot);
        var slots = Sys.ActorOf(WorkerSlots.Props(2));
        var worker = Sys.ActorOf(TrialWorker.Props(_studies.Ref, slots, _settings, _cache,
            name => name == "database" ? database : directory));
        worker.Tell(ToyRun(0, 0, 4, 1.0) with { CheckpointStore = "database" });
        _studies.FishForMessage<ReportTrialPaused>(p => p.Number == 0, TimeSpan.FromSeconds(10));
        Assert.Equal(4, await database.LatestAsync("pbt", "20261206-080000-000", 0, 100, default));
        Assert.False(Directory.Exists(Kept(0, 4)));
    }

    [Fact]
    public void A_built_in_curve_without_files_still_gives_an_exploit_a_checkpoint_to_copy()
    {
        var spec = TrialRunSpec.Of(StudySpecParser.Parse("""
            {
              "name": "pbt", "objective": { "metric": "loss", "direction": "minimize" },
              "trainable": { "type": "function", "function": "branin", "steps": 6 },
              "space": [ { "name": "x", "type": "float", "low": -5, "high": 10 }, { "name": "y", "type": "float", "low": 0, "high": 15 } ],
              "budget": { "maxTrials": 2 }
            }
            """));
        RunTrial Run(int number, long resume, long? stop, int? donor) =>
            new(TrialWorkerId.Format("n:1#1", "pbt", number, 1 + (int)resume), "pbt", "20261206-080000-000", number,
                1 + (int)resume, spec, Configuration.From(new Dictionary<string, object> { ["x"] = 1.0, ["y"] = 2.0 }))
            {
                ResumeStep = resume, StopAtStep = stop, RestoreFromTrial = donor, KeepPauseCheckpoints = true,
            };
        var slots = Sys.ActorOf(WorkerSlots.Props(2));
        Assert.Equal(2, RunToPause(slots, Run(0, 0, 2, null)).Step);
        Assert.True(Directory.Exists(Kept(0, 2)));
        Assert.Equal(4, RunToPause(slots, Run(1, 2, 4, 0)).Step);
    }

    [Fact]
    public void A_copy_the_store_refuses_for_a_moment_is_tried_again_and_one_it_keeps_refusing_interrupts_the_run()
    {
        var slots = Sys.ActorOf(WorkerSlots.Props(2));
        var store = new FlakyStore(new DirectoryCheckpointStore(_settings.CheckpointRoot), failures: 2);
        var settings = _settings with { CheckpointKeepAttempts = 3, CheckpointKeepRetryDelay = TimeSpan.FromMilliseconds(10) };
        Sys.ActorOf(TrialWorker.Props(_studies.Ref, slots, settings, _cache, _ => store)).Tell(ToyRun(0, 0, 4, 1.0));
        _studies.FishForMessage<ReportTrialPaused>(p => p.Number == 0, TimeSpan.FromSeconds(10));
        Assert.Equal(3, store.Keeps);
        Assert.True(Directory.Exists(Kept(0, 4)));
        // The worker waited for those tries on a thread of its own dispatcher, not on the default one's (the .NET
        // thread pool), which the node's coordinators and sharding run on.
        Assert.False(store.KeptOnThreadPool, "a checkpoint copy was waited for on a thread-pool thread");

        // With one try only, the same refusal leaves no copy: the step is not reported (an exploit would look for
        // the copy) and the run goes back to the coordinator as interrupted, naming the store and its refusal.
        var once = new FlakyStore(new DirectoryCheckpointStore(_settings.CheckpointRoot), failures: 1);
        Sys.ActorOf(TrialWorker.Props(_studies.Ref, slots, settings with { CheckpointKeepAttempts = 1 }, _cache, _ => once))
            .Tell(ToyRun(2, 0, 4, 1.0));
        var interrupted = _studies.FishForMessage<object>(m => m is ReportTrialInterrupted { Number: 2 }
            or ReportTrialPaused { Number: 2 } or ReportTrialProgress { Number: 2, Step: 4 }, TimeSpan.FromSeconds(10));
        var report = Assert.IsType<ReportTrialInterrupted>(interrupted);
        Assert.Contains("checkpoint at step 4 could not be kept", report.Reason);
        Assert.Contains("the store did not answer", report.Reason);
        Assert.False(Directory.Exists(Kept(2, 4)));
        var later = _studies.ReceiveWhile<object>(TimeSpan.FromMilliseconds(500), m => m);
        Assert.DoesNotContain(later,
            m => m is ReportTrialPaused { Number: 2 } or ReportTrialProgress { Number: 2, Step: 4 });
    }

    private static readonly string DataFolder =
        Path.Combine(HyperTune.LocalCluster.RepositoryRoot.Path, "config", "studies", "data");

    private static string BreastCancerSpec(string train, string test) => $$"""
        {
          "name": "bc", "objective": { "metric": "accuracy", "direction": "maximize" },
          "trainable": { "type": "mlnet", "task": "binary", "learner": "lightgbm",
                         "data": { "train": {{JsonSerializer.Serialize(train)}},
                                   "test": {{JsonSerializer.Serialize(test)}},
                                   "label": "label" },
                         "validation": { "folds": 3 } },
          "space": [ { "name": "numberOfIterations", "type": "int", "low": 10, "high": 50 } ],
          "budget": { "maxTrials": 2 }
        }
        """;

    private RunRefit Refit(string spec, int dispatch) =>
        new(TrialWorkerId.FormatRefit("n:1#1", "bc", dispatch), "bc", dispatch,
            TrialRunSpec.Of(StudySpecParser.Parse(spec)),
            Configuration.From(new Dictionary<string, object> { ["numberOfIterations"] = 20L }));

    [Fact]
    public void A_refit_trains_on_a_slot_saves_the_model_under_the_artifacts_root_and_reports_until_recorded()
    {
        var cache = new TrainableCache(new HyperTune.Trainables.Processes.ProcessCommandPolicy(Array.Empty<string>()),
            new HyperTune.Trainables.MlNet.DataRootPolicy(new[] { DataFolder }));
        var settings = _settings with { ArtifactsRoot = Path.Combine(_dir, "artifacts") };
        var slots = Sys.ActorOf(WorkerSlots.Props(1));
        // The only slot is taken: the refit waits for it.
        slots.Tell(new WorkerSlots.AcquireSlot("other"), TestActor);
        ExpectMsg<WorkerSlots.SlotGranted>();
        var worker = Sys.ActorOf(TrialWorker.Props(_studies.Ref, slots, settings, cache));
        worker.Tell(Refit(BreastCancerSpec(Path.Combine(DataFolder, "breast_cancer_train.csv"),
            Path.Combine(DataFolder, "breast_cancer_test.csv")), 1));
        _studies.ExpectMsg<RefitAccepted>(a => Assert.Equal((1, worker), (a.Dispatch, a.Worker)));
        _studies.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        slots.Tell(new WorkerSlots.ReleaseSlot(), TestActor);

        var result = _studies.ExpectMsg<ReportRefitResult>(TimeSpan.FromSeconds(60));
        Assert.Null(result.FailureReason);
        var model = Path.Combine(_dir, "artifacts", "bc", StudyArtifacts.ModelFile);
        Assert.Equal(model, result.ModelPath);
        Assert.True(File.Exists(model));
        Assert.Equal((426, 143), (result.TrainRows, result.TestRows));
        Assert.InRange(result.TestMetrics["accuracy"], 0.85, 1.0);
        // Re-sent until the coordinator records it, then the worker stops.
        Assert.Equal(result, _studies.ExpectMsg<ReportRefitResult>(TimeSpan.FromSeconds(5)));
        worker.Tell(new RefitRecorded("bc", 1));
        ExpectResendsToStop(result);
        // Its slot was given back.
        slots.Tell(new WorkerSlots.AcquireSlot("other"), TestActor);
        ExpectMsg<WorkerSlots.SlotGranted>();
    }

    [Fact]
    public void A_refit_of_a_trainable_without_a_model_or_of_data_that_is_not_there_fails_saying_why()
    {
        var slots = Sys.ActorOf(WorkerSlots.Props(1));
        var noModel = new RunRefit(TrialWorkerId.FormatRefit("n:1#1", "proc", 1), "proc", 1,
            TrialRunSpec.Of(StudySpecParser.Parse(ProcessSpec("echo 'loss=1'"))), Configuration.Empty);
        Sys.ActorOf(TrialWorker.Props(_studies.Ref, slots, _settings, _cache)).Tell(noModel);
        _studies.ExpectMsg<RefitAccepted>();
        Assert.Contains("makes no model", _studies.ExpectMsg<ReportRefitResult>().FailureReason);

        var cache = new TrainableCache(new HyperTune.Trainables.Processes.ProcessCommandPolicy(Array.Empty<string>()),
            new HyperTune.Trainables.MlNet.DataRootPolicy(new[] { _dir }));
        var missing = Path.Combine(_dir, "gone.csv");
        Sys.ActorOf(TrialWorker.Props(_studies.Ref, slots, _settings with { ArtifactsRoot = _dir }, cache))
            .Tell(Refit(BreastCancerSpec(missing, Path.Combine(_dir, "gone-test.csv")), 2));
        _studies.ExpectMsg<RefitAccepted>();
        var failed = _studies.ExpectMsg<ReportRefitResult>(TimeSpan.FromSeconds(30));
        Assert.True(failed.FailureReason!.Contains("gone.csv"), failed.FailureReason);
        Assert.Null(failed.ModelPath);
    }

    /// <summary>A store whose first keeps fail as a database that cannot be reached would.</summary>
    private sealed class FlakyStore(ICheckpointStore inner, int failures) : ICheckpointStore
    {
        private int _keeps;

        public int Keeps => _keeps;

        public string Describe() => inner.Describe();

        public bool KeptOnThreadPool { get; private set; }

        public Task KeepAsync(CheckpointKey key, string directory, CancellationToken cancellationToken)
        {
            // Called by the worker on its own thread (it waits for the copy there).
            KeptOnThreadPool |= Thread.CurrentThread.IsThreadPoolThread;
            return Interlocked.Increment(ref _keeps) <= failures
                ? Task.FromException(new TimeoutException("the store did not answer"))
                : inner.KeepAsync(key, directory, cancellationToken);
        }

        public Task<bool> RestoreAsync(CheckpointKey key, string directory, CancellationToken cancellationToken) =>
            inner.RestoreAsync(key, directory, cancellationToken);

        public Task<long?> LatestAsync(string studyId, string incarnation, int trial, long atMost,
            CancellationToken cancellationToken) => inner.LatestAsync(studyId, incarnation, trial, atMost, cancellationToken);

        public Task DiscardBeforeAsync(string studyId, string incarnation, int trial, long step,
            CancellationToken cancellationToken) => inner.DiscardBeforeAsync(studyId, incarnation, trial, step, cancellationToken);

        public Task DiscardIncarnationAsync(string studyId, string incarnation, CancellationToken cancellationToken) =>
            inner.DiscardIncarnationAsync(studyId, incarnation, cancellationToken);

        public Task DeleteStudyAsync(string studyId, CancellationToken cancellationToken) =>
            inner.DeleteStudyAsync(studyId, cancellationToken);
    }
}
