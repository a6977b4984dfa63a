using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using HyperTune.Cluster.Checkpoints;
using HyperTune.Core.Specs;
using HyperTune.Trainables;
using static HyperTune.Cluster.Workers.TrialWorkerProtocol;

namespace HyperTune.Cluster.Workers;

/// <summary>
/// Runs one dispatch of one trial: a sharded entity living on the node the coordinator chose. It waits for a slot
/// on its node, runs the trainable (with the trial timeout), streams intermediate reports to the coordinator,
/// sends the result until the coordinator confirms it was recorded, then passivates. It reaches the coordinator
/// through the study region, so a coordinator that moves to another node after a crash still gets the result.
/// </summary>
public sealed class TrialWorker : UntypedActor, IWithTimers
{
    private sealed record TrainableFinished(TrialOutcome Outcome);

    private sealed record TrainableCancelled;

    private sealed record TrainableProgress(TrialReport Report, DateTimeOffset At);

    private sealed record ResendResult;

    private sealed record RefitFinished(RefitResult? Result, string? Failure);

    private readonly IActorRef _studyRegion;
    private readonly IActorRef _slots;
    private readonly WorkerSettings _settings;
    private readonly TrainableCache _trainables;
    private readonly Func<string?, ICheckpointStore> _stores;
    private ICheckpointStore _checkpoints;
    // The running trial's own checkpoint directory on this node.
    private string _checkpointDirectory = "";
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private RunTrial? _trial;
    // The trial's trainable, looked up once when the trial arrives.
    private ITrainable? _trainable;
    // A study's refit, when this worker runs one instead of a trial.
    private RunRefit? _refit;
    private CancellationTokenSource? _cancellation;
    private bool _timedOut;
    private bool _holdsSlot;
    // What the finished run reports (a result, or that it paused), re-sent until the coordinator records it.
    private object? _result;
    private bool _pausing;
    private long _lastStep;
    private DateTimeOffset _startedAt;
    // A run's start not reported on its own, which its result then carries (an inline run that ended at once).
    private DateTimeOffset? _unreportedStart;

    /// <summary>Props for the worker region.</summary>
    /// <param name="studyRegion">Where reports go.</param>
    /// <param name="slots">The node's slot limiter.</param>
    /// <param name="settings">The node's worker settings.</param>
    /// <param name="trainables">Builds trainables.</param>
    /// <param name="stores">
    /// Where copies of checkpoints kept at pauses go, by the name a study gives (null: the node's own; default: under
    /// the checkpoint root whatever the name).
    /// </param>
    public static Props Props(IActorRef studyRegion, IActorRef slots, WorkerSettings settings,
        TrainableCache trainables, Func<string?, ICheckpointStore>? stores = null)
    {
        var directory = new DirectoryCheckpointStore(settings.CheckpointRoot);
        var resolved = stores ?? (_ => directory);
        // A producer rather than Props.Create(() => ...): that one builds every worker by reflection, a visible share
        // of a short trial's cost since each trial has its own worker.
        return Akka.Actor.Props.CreateBy(new Producer(() =>
                new TrialWorker(studyRegion, slots, settings, trainables, resolved)))
            .WithDispatcher(DispatcherId);
    }

    private sealed class Producer(Func<TrialWorker> create) : IIndirectActorProducer
    {
        public Type ActorType => typeof(TrialWorker);

        public ActorBase Produce() => create();

        public void Release(ActorBase actor)
        {
        }
    }

    /// <summary>
    /// The dispatcher workers run on (<c>hypertune.worker.dispatcher</c>): their waits for checkpoint copies block
    /// its threads, not the default dispatcher's.
    /// </summary>
    public const string DispatcherId = "hypertune.worker.dispatcher";

    /// <summary>Creates a worker.</summary>
    public TrialWorker(IActorRef studyRegion, IActorRef slots, WorkerSettings settings, TrainableCache trainables,
        Func<string?, ICheckpointStore> stores)
    {
        _studyRegion = studyRegion;
        _slots = slots;
        _settings = settings;
        _trainables = trainables;
        _stores = stores;
        _checkpoints = stores(null);
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <inheritdoc />
    protected override void OnReceive(object message) => Idle(message);

    // Behaviours are plain methods (UntypedActor): a ReceiveActor builds its handlers again on every Become, which
    // for a worker that lives one trial was a measurable share of each trial's cost.
    private void Idle(object message)
    {
        switch (message)
        {
            case RunTrial run:
                _trial = run;
                try
                {
                    _trainable = _trainables.Get(run.RunSpec);
                }
                catch (SpecException e)
                {
                    Finish(TrialOutcome.Failed($"invalid trainable on this node: {e.Message}"));
                    return;
                }
                // Accepted only if it has to wait for a slot: a trial that starts at once says so by its start.
                _slots.Tell(new WorkerSlots.AcquireSlot(run.StudyId));
                Become(WaitingForSlot);
                break;
            case RunRefit refit:
                _refit = refit;
                AcceptRefit(refit);
                try
                {
                    if (_trainables.Get(refit.RunSpec) is not IRefittable)
                    {
                        FinishRefit(new RefitFinished(null, "its trainable makes no model to refit"));
                        return;
                    }
                }
                catch (SpecException e)
                {
                    FinishRefit(new RefitFinished(null, $"invalid trainable on this node: {e.Message}"));
                    return;
                }
                _slots.Tell(new WorkerSlots.AcquireSlot(refit.StudyId));
                Become(RefitWaitingForSlot);
                break;
            case CancelTrial cancel:
                Cancel(cancel);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void RefitWaitingForSlot(object message)
    {
        switch (message)
        {
            case RunRefit refit:
                AcceptRefit(refit);
                break;
            case WorkerSlots.SlotGranted:
                _holdsSlot = true;
                StartRefit();
                break;
            case WorkerSlots.SlotQueued:
                // The refit was accepted when it came.
                break;
            case CancelTrial:
                Context.Parent.Tell(new Passivate(PoisonPill.Instance));
                break;
            case HandOffTrial:
                // Unanswered, the coordinator sees the worker stop and sends the refit to another node.
                Context.Stop(Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Refitting(object message)
    {
        switch (message)
        {
            case RunRefit refit:
                AcceptRefit(refit);
                break;
            case RefitFinished finished:
                Timers.Cancel(TimeoutTimer);
                FinishRefit(finished);
                break;
            case TimedOut:
                _timedOut = true;
                _cancellation?.Cancel();
                break;
            case CancelTrial or HandOffTrial:
                _cancellation?.Cancel();
                Context.Stop(Self);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void AcceptRefit(RunRefit refit) =>
        _studyRegion.Tell(new RefitAccepted(refit.StudyId, refit.Dispatch, Self));

    /// <summary>Trains the final model on a thread of the pool, the slot held until the fit ends.</summary>
    private void StartRefit()
    {
        var refit = _refit!;
        var trainable = (IRefittable)_trainables.Get(refit.RunSpec);
        var modelPath = Path.GetFullPath(StudyArtifacts.Model(_settings.ArtifactsRoot, refit.StudyId));
        _cancellation = new CancellationTokenSource();
        var token = _cancellation.Token;
        if (refit.RunSpec.TrialTimeout is { } timeout)
            Timers.StartSingleTimer(TimeoutTimer, new TimedOut(), timeout);
        _log.Info("study {0}: refitting its best configuration on all training rows (model: {1})", refit.StudyId,
            modelPath);
        Task.Run(async () =>
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(modelPath)!);
                return new RefitFinished(await trainable.RefitAsync(refit.Params, modelPath, token)
                    .ConfigureAwait(false), null);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return new RefitFinished(null, "cancelled");
            }
            catch (Exception e)
            {
                return new RefitFinished(null, $"{e.GetType().Name}: {e.Message}");
            }
        }, CancellationToken.None).PipeTo(Self);
        Become(Refitting);
    }

    private void FinishRefit(RefitFinished finished)
    {
        ReleaseSlot();
        var refit = _refit!;
        var r = finished.Result;
        // A model that came after the time-out (its fit could not be stopped) is still the model.
        var failure = r is not null ? null
            : _timedOut ? $"timed out after {refit.RunSpec.TrialTimeout}"
            : finished.Failure ?? "the refit gave no result";
        _result = new ReportRefitResult(refit.StudyId, refit.Dispatch,
            r?.TestMetrics ?? new Dictionary<string, double>(), r?.TrainRows ?? 0, r?.TestRows ?? 0, r?.ModelPath,
            failure);
        _studyRegion.Tell(_result);
        Timers.StartPeriodicTimer("resend", new ResendResult(), _settings.ResultResendInterval);
        Become(Reporting);
    }

    private void WaitingForSlot(object message)
    {
        switch (message)
        {
            case RunTrial run:
                Accept(run);
                break;
            case WorkerSlots.SlotQueued:
                Accept(_trial!);
                break;
            case WorkerSlots.SlotGranted:
                _holdsSlot = true;
                Start();
                break;
            case PauseTrial:
                // Paused before it ran: the coordinator already recorded the pause; nothing ran, nothing to report.
                Context.Parent.Tell(new Passivate(PoisonPill.Instance));
                break;
            default:
                Started(message);
                break;
        }
    }

    private void Running(object message)
    {
        switch (message)
        {
            case RunTrial run:
                Accept(run);
                ReportStarted(run);
                break;
            case TrainableProgress p:
                _lastStep = Math.Max(_lastStep, p.Report.Step);
                // Before the coordinator hears of the step, so a trial it lets start from this one finds the copy.
                if (_trial!.KeepPauseCheckpoints && p.Report.Step == _trial.StopAtStep
                    && KeepCheckpoint(p.Report.Step) is { } failure)
                {
                    // Reported, the step would let an exploit (or this trial's own resume on another node) look for
                    // a copy that is not there. Unreported, the run goes back to the coordinator, which requeues the
                    // trial to train the interval again from its latest copy, as after a lost node.
                    Interrupt($"its checkpoint at step {p.Report.Step} could not be kept: {failure}");
                    break;
                }
                _studyRegion.Tell(new ReportTrialProgress(_trial!.StudyId, _trial.Number, _trial.Dispatch,
                    p.Report.Step, p.Report.Metrics)
                {
                    At = p.At,
                });
                break;
            case TrainableFinished f:
                Finish(f.Outcome);
                break;
            case PauseTrial pause:
                _log.Info("trial {0} of study {1} pausing: {2}", _trial!.Number, _trial.StudyId, pause.Reason);
                _pausing = true;
                _cancellation?.Cancel();
                break;
            case TimedOut:
                _timedOut = true;
                _cancellation?.Cancel();
                break;
            case TrainableCancelled:
                ReleaseSlot();
                if (_pausing)
                    Finish(TrialOutcome.Paused(_lastStep, new Dictionary<string, double>()));
                else if (_timedOut)
                    Finish(TrialOutcome.Failed($"timed out after {_trial!.RunSpec.TrialTimeout}"));
                else
                    Context.Parent.Tell(new Passivate(PoisonPill.Instance));
                break;
            default:
                Started(message);
                break;
        }
    }

    /// <summary>What a worker that has its trial (waiting for a slot or running) answers alike in both.</summary>
    private void Started(object message)
    {
        switch (message)
        {
            case CancelTrial cancel:
                Cancel(cancel);
                break;
            case HandOffTrial:
                Interrupt("its node is leaving the cluster");
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Reporting(object message)
    {
        switch (message)
        {
            case RunTrial or RunRefit or ResendResult:
                _studyRegion.Tell(_result!);
                break;
            case TrialResultRecorded or RefitRecorded:
                Timers.CancelAll();
                Context.Parent.Tell(new Passivate(PoisonPill.Instance));
                break;
            case CancelTrial:
                Context.Parent.Tell(new Passivate(PoisonPill.Instance));
                break;
            // The study is gone (deleted): nobody will record the result.
            case Studies.StudyProtocol.StudyNotFound:
                Timers.CancelAll();
                Context.Parent.Tell(new Passivate(PoisonPill.Instance));
                break;
            case HandOffTrial:
                Context.Stop(Self);
                break;
        }
    }

    private void Accept(RunTrial run) =>
        _studyRegion.Tell(new TrialAccepted(run.StudyId, run.Number, run.Dispatch, Self));

    private void Cancel(CancelTrial c)
    {
        _log.Info("trial {0} of study {1} cancelled: {2}", _trial?.Number, _trial?.StudyId, c.Reason);
        if (_cancellation is { } cts) cts.Cancel();
        else Context.Parent.Tell(new Passivate(PoisonPill.Instance));
    }

    private void Start()
    {
        var run = _trial!;
        var trainable = _trainable!;
        _checkpointDirectory =
            CheckpointDirectories.Trial(_settings.CheckpointRoot, run.StudyId, run.Incarnation, run.Number);
        // Restoring a checkpoint copy may take up to the store's time-out, longer than the coordinator waits for an
        // answer to its dispatch: a trial that does is accepted first, as a queued one is.
        if (run.RestoreFromTrial is not null || (run.KeepPauseCheckpoints && run.ResumeStep > 0)) Accept(run);
        long resumeStep;
        try
        {
            _checkpoints = _stores(run.CheckpointStore);
            resumeStep = PrepareCheckpoint(run, _checkpointDirectory);
        }
        catch (Exception e) when (IsStoreFailure(e) || Unwrap(e) is ArgumentException)
        {
            Finish(TrialOutcome.Failed(Unwrap(e).Message));
            return;
        }
        _lastStep = resumeStep;
        _cancellation = new CancellationTokenSource();
        var token = _cancellation.Token;
        if (run.RunSpec.TrialTimeout is { } timeout)
            Timers.StartSingleTimer(TimeoutTimer, new TimedOut(), timeout);
        var self = Self;
        var context = new TrialContext
        {
            StudyId = run.StudyId,
            TrialNumber = run.Number,
            Params = run.Params,
            Metric = run.RunSpec.Metric,
            ResumeStep = resumeStep,
            StopAtStep = run.StopAtStep,
            Part = run.Part,
            StopGrace = _settings.ProcessStopGrace,
            CheckpointDirectory = _checkpointDirectory,
            Report = report => self.Tell(new TrainableProgress(report, DateTimeOffset.UtcNow)),
        };
        async Task<object> Run()
        {
            try
            {
                return new TrainableFinished(await trainable.RunAsync(context, token).ConfigureAwait(false));
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return new TrainableCancelled();
            }
            catch (Exception e)
            {
                return new TrainableFinished(TrialOutcome.Failed($"{e.GetType().Name}: {e.Message}"));
            }
        }
        _startedAt = DateTimeOffset.UtcNow;
        var inline = trainable.RunsInline;
        var running = inline ? Run() : Task.Run(Run, CancellationToken.None);
        // Only an inline run is taken up here: a pooled one that already finished may have reports still queued
        // in the mailbox, which must be handled (and their checkpoints kept) before its result.
        if (inline && running.IsCompletedSuccessfully && running.Result is TrainableFinished finished)
        {
            Timers.Cancel(TimeoutTimer);
            // A result carries its start; a pause has no room for it.
            if (finished.Outcome.PausedAtStep is null) _unreportedStart = _startedAt;
            else ReportStarted(run);
            Finish(finished.Outcome);
            return;
        }
        ReportStarted(run);
        running.PipeTo(self);
        Become(Running);
    }

    private void ReportStarted(RunTrial run) =>
        _studyRegion.Tell(new ReportTrialStarted(run.StudyId, run.Number, run.Dispatch, _startedAt) { Worker = Self });

    private sealed record TimedOut;

    private const string TimeoutTimer = "timeout";

    private void Finish(TrialOutcome outcome)
    {
        ReleaseSlot();
        var run = _trial!;
        _result = outcome.PausedAtStep is { } step
            ? new ReportTrialPaused(run.StudyId, run.Number, run.Dispatch, step)
            : new ReportTrialResult(run.StudyId, run.Number, run.Dispatch, outcome.Metrics, outcome.FailureReason)
            {
                FinishedAt = DateTimeOffset.UtcNow,
                StartedAt = _unreportedStart,
            };
        _studyRegion.Tell(_result);
        Timers.StartPeriodicTimer("resend", new ResendResult(), _settings.ResultResendInterval);
        Become(Reporting);
    }

    /// <summary>
    /// Puts the checkpoint this run starts from in the trial's directory and returns the step it belongs to: the
    /// donor's copy for an exploit; for a population member, its own latest kept copy, since its runs hop between
    /// nodes and this node's directory may hold an older run's state (after a pause that copy is the paused step's;
    /// after its node died, the last pause before, the steps since then being trained again and counted once; with
    /// none, from 0); otherwise the directory as it is.
    /// </summary>
    private long PrepareCheckpoint(RunTrial run, string directory)
    {
        if (run.RestoreFromTrial is { } donor)
        {
            if (Block(_checkpoints.RestoreAsync(Key(donor, run.ResumeStep), directory, CancellationToken.None),
                    "restoring"))
            {
                // The member's own copy at this step becomes the state it now continues from, so that a resume after
                // its node dies before the next pause starts from the donor's state, not from the one it gave up.
                Block(_checkpoints.KeepAsync(Key(run.Number, run.ResumeStep), directory, CancellationToken.None),
                    "keeping");
                return run.ResumeStep;
            }
            throw new IOException($"cannot start from trial {donor}'s checkpoint at step {run.ResumeStep}: " +
                                  $"no copy in {_checkpoints.Describe()} (without a checkpoint-root every node " +
                                  "shares, set hypertune.worker.checkpoint-store = database)");
        }
        if (!run.KeepPauseCheckpoints) return run.ResumeStep;
        // A trainable that keeps no files (a built-in learning curve) still has a checkpoint to copy: an empty one.
        Directory.CreateDirectory(directory);
        if (run.ResumeStep == 0) return 0;
        var latest = Block(_checkpoints.LatestAsync(run.StudyId, run.Incarnation, run.Number, run.ResumeStep,
            CancellationToken.None), "looking up");
        if (latest is { } step
            && Block(_checkpoints.RestoreAsync(Key(run.Number, step), directory, CancellationToken.None), "restoring"))
        {
            if (step < run.ResumeStep)
                _log.Info("trial {0} of study {1}: resuming from its copy kept at step {2} (recorded up to {3}: its " +
                          "run there was lost)", run.Number, run.StudyId, step, run.ResumeStep);
            return step;
        }
        _log.Warning("trial {0} of study {1}: no copy of its checkpoint in {2}; it starts over from step 0",
            run.Number, run.StudyId, _checkpoints.Describe());
        return 0;
    }

    private T Block<T>(Task<T> task, string what)
    {
        Block((Task)task, what);
        return task.Result;
    }

    private void Block(Task task, string what)
    {
        // Checkpoint copies are small next to training; waiting here keeps the run's reports in order. A failed
        // task throws its exception (wrapped, see Unwrap).
        if (!task.Wait(_settings.CheckpointStoreTimeout))
            throw new TimeoutException($"{what} a checkpoint copy in {_checkpoints.Describe()} took longer than " +
                                       $"{_settings.CheckpointStoreTimeout} " +
                                       "(hypertune.worker.checkpoint-store-timeout)");
    }

    private static bool IsStoreFailure(Exception e) =>
        Unwrap(e) is IOException or UnauthorizedAccessException or TimeoutException or System.Data.Common.DbException;

    private static Exception Unwrap(Exception e) =>
        e is AggregateException { InnerException: { } inner } ? Unwrap(inner) : e;

    // The running trial's study and incarnation, trial number and step.
    private CheckpointKey Key(int trial, long step) => new(_trial!.StudyId, _trial.Incarnation, trial, step);

    /// <summary>
    /// Keeps a copy of the checkpoint at <paramref name="step"/>, trying again while the store refuses; the last
    /// refusal's message when every try failed, else null.
    /// </summary>
    private string? KeepCheckpoint(long step)
    {
        var run = _trial!;
        var delay = _settings.CheckpointKeepRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Block(_checkpoints.KeepAsync(Key(run.Number, step), _checkpointDirectory, CancellationToken.None),
                    "keeping");
                break;
            }
            catch (Exception e) when (IsStoreFailure(e))
            {
                if (attempt >= _settings.CheckpointKeepAttempts)
                {
                    _log.Warning("trial {0} of study {1}: its checkpoint at step {2} could not be kept after {3} " +
                                 "tries: {4}", run.Number, run.StudyId, step, attempt, Unwrap(e).Message);
                    return $"{_checkpoints.Describe()}: {Unwrap(e).Message} ({attempt} tries)";
                }
                _log.Info("trial {0} of study {1}: keeping its checkpoint at step {2} failed ({3}); trying again",
                    run.Number, run.StudyId, step, Unwrap(e).Message);
                // The worker blocks on its store already; a short wait before the next try keeps that bounded.
                Thread.Sleep(delay);
                delay *= 2;
            }
        }
        try
        {
            Block(_checkpoints.DiscardBeforeAsync(run.StudyId, run.Incarnation, run.Number,
                Math.Min(run.DiscardKeptBefore, step), CancellationToken.None), "discarding");
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            // Old copies left behind cost space, not correctness: the next pause discards them again.
            _log.Warning("trial {0} of study {1}: old checkpoint copies could not be discarded: {2}", run.Number,
                run.StudyId, Unwrap(e).Message);
        }
        return null;
    }

    private void Interrupt(string reason)
    {
        _cancellation?.Cancel();
        if (_trial is { } run) _studyRegion.Tell(new ReportTrialInterrupted(run.StudyId, run.Number, run.Dispatch, reason));
        Context.Stop(Self);
    }

    private void ReleaseSlot()
    {
        if (!_holdsSlot) return;
        _holdsSlot = false;
        _slots.Tell(new WorkerSlots.ReleaseSlot());
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        // A stopped worker must not leave a process running or a slot taken.
        _cancellation?.Cancel();
        ReleaseSlot();
        _cancellation?.Dispose();
        base.PostStop();
    }
}
