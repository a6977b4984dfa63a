using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;
using System.Collections.Immutable;
using HyperTune.Cluster.Checkpoints;
using HyperTune.Cluster.Leases;
using HyperTune.Cluster.Views;
using HyperTune.Cluster.Workers;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Schedulers.Population;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;
using HyperTune.Trainables;
using static HyperTune.Cluster.Studies.StudyEvents;
using static HyperTune.Cluster.Studies.StudyProtocol;
using static HyperTune.Cluster.Workers.TrialWorkerProtocol;

namespace HyperTune.Cluster.Studies;

/// <summary>
/// Owns one study: a persistent, sharded entity (entity id = study id, persistence id <c>study-{id}</c>). It asks
/// the optimizer for configurations, dispatches trials to workers on the nodes with free slots, folds results back
/// in, and after a crash recovers from its journal: the replayed history rebuilds the optimizer, and trials that
/// were running are sent again to the same worker entities, which either still run them, still hold their result,
/// or start them afresh. Decisions are <see cref="StudyDecider"/>'s; this actor persists, applies, replies and
/// snapshots.
/// </summary>
public sealed partial class StudyCoordinator : ReceivePersistentActor, IWithTimers
{
    private sealed record Tick;

    private sealed record PublishProgress;

    private sealed record WriteDeferredReports;

    private sealed record WriteViewsNow;

    private sealed record ViewsWritten(ImmutableList<TrialRecord>? Trials, Exception? Error);

    private readonly string _studyId;
    private readonly StudySettings _settings;
    private readonly IActorRef _workerRegion;
    private readonly IActorRef _workerDirectory;
    private readonly Func<DateTimeOffset> _clock;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly HashSet<IActorRef> _watchers = new();
    private readonly Dictionary<IActorRef, (int Number, int Dispatch)> _workers = new();
    // Dispatches not yet accepted by their worker, with the time by which they should have been.
    private readonly Dictionary<(int Number, int Dispatch), DateTimeOffset> _awaitingAccept = new();
    // Nodes whose workers vanished without a result: no new trials until the deadline or a membership change.
    private readonly Dictionary<string, DateTimeOffset> _suspectNodes = new(StringComparer.Ordinal);

    private StudyState? _state;
    private IOptimizer? _optimizer;
    private ITrialScheduler _scheduler = new RunToCompletionScheduler();
    // Tests' schedulers; null: the spec's, built with the trainable's step count.
    private readonly Func<StudySpec, ITrialScheduler>? _schedulers;
    private readonly Func<string?, ICheckpointStore>? _checkpoints;
    // Whether the study's trainable continues from its checkpoint (a resumed or re-dispatched trial skips its steps).
    private bool _canResume;
    // The trainable's last step when it says (ITrainable.TotalSteps): a report there is not judged, nor paused.
    private long? _finalStep;
    // Units of work a new trial splits into (its trainable's folds run in parallel), 1: whole trials.
    private int _parts = 1;
    // Whether the study's trainable makes a final model (IRefittable): its best trial is refitted on a worker.
    private bool _refits;
    // The part of the spec a worker needs, with the spec it came from (see RunSpecOf).
    private (StudySpec Spec, TrialRunSpec Run)? _runSpec;
    // The worker running the refit's current dispatch, once it accepted it; and a dispatch not yet accepted, with
    // the time by which it should have been.
    private IActorRef? _refitWorker;
    private (int Dispatch, DateTimeOffset Deadline)? _refitAwaitingAccept;
    // Decisions (pause, prune) whose worker is told to stop once the event is written: event -> worker id and reason.
    private readonly Dictionary<IStudyEvent, (string WorkerId, string Reason)> _stopOnPersist =
        new(ReferenceEqualityComparer.Instance);
    // The parts still running of a trial in parts that an event ends (or sends back to wait): their workers, told to
    // stop once the event is written, whichever decision wrote it (a result, a stop, too many lost workers).
    private readonly Dictionary<IStudyEvent, List<string>> _partsToStop = new(ReferenceEqualityComparer.Instance);
    private string? _unloadable;
    private IReadOnlyList<WorkerNode> _workerNodes = Array.Empty<WorkerNode>();
    private bool _progressDirty;
    // Set by a recovery with trials running: they are re-attached once the worker nodes are known (see Reattach).
    private bool _reattachPending;
    private int _unpersisted;
    // Intermediate reports that decided nothing, applied to _state but not yet written: they are written with the
    // next write (or on WriteDeferredReports, queued behind the messages already waiting), so eight slots reporting
    // every few milliseconds cost a few batched journal writes instead of one write, stashing everything, each.
    // Trials' starts on their workers wait likewise, up to StartWriteDelay.
    private readonly List<IStudyEvent> _deferred = new();
    // A trial's result (and the trials it lets start) is written without stashing what comes next, so results that
    // arrive during a write are decided at once and their writes go to the journal together (one transaction for
    // many trials on a database). What must see only written state waits for every write so far: these actions run
    // then, and the next write stashes (a barrier) so that under a steady stream of results that moment comes.
    private readonly List<Action> _whenWritten = new();
    private bool _barrierNext;
    private long _lastSnapshot;
    // Time since the entity started, for the recovery log line.
    private readonly System.Diagnostics.Stopwatch _started = new();
    // The study's write lease: no write and no answer unless this coordinator is the study's only writer.
    private readonly StudyWriteFence _fence;
    private readonly IStudyViewWriter? _views;
    private bool _viewsDirty;
    private bool _viewsWriting;
    private bool _viewsFailing;
    // The latest write of the views (a deletion waits for it, so no write lands after the views are deleted).
    private Task? _viewsWrite;
    // The trials as last written to the views (null: none written by this incarnation, so all are written).
    private ImmutableList<TrialRecord>? _viewsWritten;

    /// <summary>Props for the study region.</summary>
    public static Props Props(string studyId, StudySettings settings, IActorRef workerRegion, IActorRef workerDirectory, Func<DateTimeOffset>? clock = null) =>
        Props(studyId, settings, workerRegion, workerDirectory, clock, null);

    /// <summary>
    /// Props with the scheduler built by <paramref name="schedulers"/> instead of <see cref="SchedulerFactory"/>
    /// (tests give their own schedulers).
    /// </summary>
    /// <param name="studyId">The study.</param>
    /// <param name="settings">The coordinator's settings.</param>
    /// <param name="workerRegion">The trial workers' region.</param>
    /// <param name="workerDirectory">Tells which worker nodes there are.</param>
    /// <param name="clock">The time stamped on events.</param>
    /// <param name="schedulers">Builds the study's scheduler; null: <see cref="SchedulerFactory"/>.</param>
    /// <param name="checkpoints">The node's checkpoint stores by name (as its workers have them): a finished
    /// study's kept copies are deleted from its store; null: left until the study is deleted.</param>
    public static Props Props(string studyId, StudySettings settings, IActorRef workerRegion, IActorRef workerDirectory,
        Func<DateTimeOffset>? clock, Func<StudySpec, ITrialScheduler>? schedulers,
        Func<string?, ICheckpointStore>? checkpoints = null) =>
        Akka.Actor.Props.Create(() => new StudyCoordinator(studyId, settings, workerRegion, workerDirectory,
            clock ?? (() => DateTimeOffset.UtcNow), schedulers, checkpoints));

    /// <summary>Creates a coordinator.</summary>
    public StudyCoordinator(string studyId, StudySettings settings, IActorRef workerRegion, IActorRef workerDirectory, Func<DateTimeOffset> clock)
        : this(studyId, settings, workerRegion, workerDirectory, clock, null)
    {
    }

    /// <summary>Creates a coordinator whose scheduler <paramref name="schedulers"/> builds (null: the spec's one).
    /// </summary>
    public StudyCoordinator(string studyId, StudySettings settings, IActorRef workerRegion, IActorRef workerDirectory,
        Func<DateTimeOffset> clock, Func<StudySpec, ITrialScheduler>? schedulers,
        Func<string?, ICheckpointStore>? checkpoints = null)
    {
        _schedulers = schedulers;
        _checkpoints = checkpoints;
        _studyId = studyId;
        _settings = settings;
        _workerRegion = workerRegion;
        _workerDirectory = workerDirectory;
        _clock = clock;
        _fence = new StudyWriteFence(studyId, ClusterLeases.Get(Context.System), settings.ReadOnly, Self,
            Context.System.Scheduler, _log, () => Context.Stop(Self));
        _views = settings.ReadOnly ? null : StudyViewStore.Get(Context.System).Writer;

        Recover<SnapshotOffer>(offer =>
        {
            _lastSnapshot = offer.Metadata.SequenceNr;
            if (offer.Snapshot is StudySnapshot snapshot) Load(() => StudyState.FromSnapshot(snapshot));
        });
        Recover<IStudyEvent>(e =>
        {
            if (e is StudyCreated created) Load(() => StudyState.Create(created));
            else if (_state is not null) _state = _state.Apply(e);
        });
        Recover<RecoveryCompleted>(_ => OnRecovered());

        Command<SubmitStudy>(submit =>
        {
            if (_settings.ReadOnly) Sender.Tell(new StudyRejected(submit.StudyId, "this node opened the store read-only"));
            else Submit(submit);
        });
        Command<GetStudy>(q =>
        {
            if (Unavailable(q.StudyId)) return;
            // Answered once what it would show is written.
            var replyTo = Sender;
            WhenWritten(() => replyTo.Tell(Report(q.IncludeTrials)));
        });
        Command<WatchStudy>(w =>
        {
            if (Unavailable(w.StudyId, w.Watcher)) return;
            _watchers.Add(w.Watcher);
            Context.Watch(w.Watcher);
            w.Watcher.Tell(_state!.Progress());
        });
        Command<UnwatchStudy>(w =>
        {
            _watchers.Remove(w.Watcher);
            Context.Unwatch(w.Watcher);
        });
        Command<StopStudy>(stop =>
        {
            if (Unavailable(stop.StudyId)) return;
            if (_settings.ReadOnly)
            {
                Sender.Tell(new StudyRejected(stop.StudyId, "this node opened the store read-only"));
                return;
            }
            // Whole trials; the parts of trials in parts are stopped as their trials' cancellations are written.
            var cancelled = _state!.RunningOn.ToList();
            var replyTo = Sender;
            PersistEvents(StudyDecider.Stop(_state, stop.Reason, _clock()), () =>
            {
                foreach (var (number, node) in cancelled)
                    _workerRegion.Tell(new CancelTrial(WorkerIdOf(number, node, _state.LastDispatch[number]),
                        stop.Reason));
                replyTo.Tell(new StudyReport(_state.Progress(), null));
            });
        });

        Command<GetStudySpec>(q =>
        {
            if (Unavailable(q.StudyId)) return;
            Sender.Tell(new StudySpecText(q.StudyId, _state!.SpecJson));
        });
        Command<DeleteStudy>(OnDelete);
        Command<PauseStudy>(pause => HoldOrResume(pause.StudyId,
            state => StudyDecider.Pause(state, pause.Reason, _clock())));
        Command<ResumeStudy>(resume => HoldOrResume(resume.StudyId, state => StudyDecider.Resume(state, _clock())));
        Command<EnqueueTrials>(enqueue =>
        {
            if (Unavailable(enqueue.StudyId)) return;
            if (_settings.ReadOnly)
            {
                Sender.Tell(new StudyRejected(enqueue.StudyId, "this node opened the store read-only"));
                return;
            }
            IReadOnlyList<IStudyEvent> events;
            try
            {
                events = StudyDecider.Enqueue(_state!, enqueue.ParamsJson, _clock());
            }
            catch (SpecException e)
            {
                Sender.Tell(new EnqueueRefused(enqueue.StudyId, e.Message));
                return;
            }
            catch (InvalidOperationException e)
            {
                Sender.Tell(new StudyRejected(enqueue.StudyId, e.Message));
                return;
            }
            var replyTo = Sender;
            PersistWithPlan(events, () =>
                replyTo.Tell(new TrialsEnqueued(enqueue.StudyId, events.Count, _state!.Enqueued.Count)));
        });
        Command<WorkerDirectory.WorkerNodesChanged>(w =>
        {
            var gone = _workerNodes.Select(n => n.NodeKey).Except(w.Nodes.Select(n => n.NodeKey)).ToHashSet();
            var membershipChanged = gone.Count > 0 || w.Nodes.Count != _workerNodes.Count;
            _workerNodes = w.Nodes;
            // Membership settles what suspicion guessed; a load update alone does not.
            if (membershipChanged) _suspectNodes.Clear();
            if (_reattachPending && w.Nodes.Count > 0) Reattach();
            RequeueTrialsOn(gone);
            Plan();
        });
        Command<TrialAccepted>(a => OnAccepted(a.Number, a.Dispatch, a.Worker));
        Command<ReportTrialStarted>(s =>
        {
            if (s.Worker is { } worker) OnAccepted(s.Number, s.Dispatch, worker);
            if (_state is null || _settings.ReadOnly) return;
            foreach (var e in StudyDecider.ExecutionStarted(_state, s.Number, s.Dispatch, s.At)) DeferStart(e);
        });
        Command<ReportTrialProgress>(OnProgress);
        Command<WriteDeferredReports>(_ => PersistEvents(Array.Empty<IStudyEvent>(), () => { }));
        Command<ReportTrialPaused>(p =>
        {
            if (_state is null) return;
            var replyTo = Sender;
            var events = _settings.ReadOnly
                ? Array.Empty<IStudyEvent>()
                : StudyDecider.Paused(_state, p.Number, p.Dispatch, _clock());
            ForgetWorker(p.Number, p.Dispatch);
            PersistWithPlan(events, () => replyTo.Tell(new TrialResultRecorded(p.StudyId, p.Number, p.Dispatch)));
        });
        Command<ReportTrialResult>(OnResult);
        Command<RefitStudy>(OnRefitStudy);
        Command<RefitAccepted>(OnRefitAccepted);
        Command<ReportRefitResult>(OnRefitResult);
        Command<ReportTrialInterrupted>(i => WorkerGone(i.Number, i.Dispatch, $"interrupted: {i.Reason}"));
        Command<Terminated>(t =>
        {
            _watchers.Remove(t.ActorRef);
            if (t.ActorRef.Equals(_refitWorker))
            {
                RefitWorkerLost($"its worker on {t.ActorRef.Path.Address} stopped without a result");
                return;
            }
            if (!_workers.Remove(t.ActorRef, out var w)) return;
            if (_state?.NodeOf(w.Number, w.Dispatch) is { } node)
                _suspectNodes[node] = _clock() + _settings.SuspectNodeFor;
            WorkerGone(w.Number, w.Dispatch, $"its worker on {t.ActorRef.Path.Address} stopped without a result");
        });
        Command<Tick>(_ =>
        {
            RedispatchUnanswered();
            Plan();
        });
        Command<PublishProgress>(_ => Publish());
        Command<WriteViewsNow>(_ =>
        {
            // Views show only what is written: deferred starts and reports are written first, so a fast study's
            // views never wait for a moment with nothing deferred or in flight.
            WhenWritten(() => WriteViews());
        });
        Command<ViewsWritten>(OnViewsWritten);
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(f => _log.Warning("study {0}: snapshot failed: {1}", _studyId, f.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning("study {0}: deleting old snapshots failed: {1}", _studyId, f.Cause.Message));
        Command<ReceiveTimeout>(_ =>
        {
            // A refit under way keeps the coordinator, which would otherwise come back only when its worker reports.
            if (_state?.Status != StudyStatus.Running && _watchers.Count == 0 && _state?.Refit is not
                    { Status: RefitStatus.Waiting or RefitStatus.Running })
                Passivate();
        });
    }

    /// <inheritdoc />
    public override string PersistenceId => PersistenceIdOf(_studyId);

    /// <summary>The persistence id of a study's coordinator.</summary>
    public static string PersistenceIdOf(string studyId) => $"study-{studyId}";

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <inheritdoc />
    protected override void PreStart()
    {
        _started.Restart();
        _workerDirectory.Tell(new WorkerDirectory.SubscribeWorkerNodes());
        Timers.StartPeriodicTimer("tick", new Tick(), _settings.TickInterval);
        Timers.StartPeriodicTimer("progress", new PublishProgress(), _settings.ProgressInterval);
        if (_views is not null) Timers.StartPeriodicTimer("views", new WriteViewsNow(), _settings.ViewInterval);
        base.PreStart();
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        // The last state (a study that just finished, a passivation) must not wait for the next recovery; the
        // node waits for this write when it shuts down (StudyViewStore.DrainAsync).
        WriteViews(final: true);
        _fence.Release();
        base.PostStop();
    }

    /// <summary>Every message passes the write fence first (see <see cref="StudyWriteFence"/>).</summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        switch (_fence.Admit(message, writes: message is SubmitStudy))
        {
            case FenceAdmission.Deliver:
                return base.AroundReceive(receive, message);
            case FenceAdmission.Wait:
                Stash.Stash();
                return true;
            default:
                return true;
        }
    }

    private void Load(Func<StudyState> load)
    {
        try
        {
            _state = load();
        }
        catch (SpecException e)
        {
            // The journal stays as it is; the study is reported as unloadable rather than lost.
            _unloadable = $"study '{_studyId}' cannot be loaded: its stored spec no longer validates ({e.Message})";
            _state = null;
        }
    }

    private void OnRecovered()
    {
        if (!_fence.Recovered(_state is not null && _unloadable is null, OnRecovered, () => Stash.UnstashAll())) return;
        if (_unloadable is not null)
        {
            _log.Error(_unloadable);
            return;
        }
        if (_state is null) return;
        // Also on a read-only node: the scheduler's rungs are part of the study's report.
        CreateScheduler(_state.Spec);
        if (_settings.ReadOnly) return;
        _optimizer = OptimizerFactory.Create(_state.Spec.Optimizer, _state.Spec.Space, _state.Spec.Objective.Direction);
        if (_log.IsInfoEnabled)
            _log.Info($"study {_studyId} recovered in {_started.Elapsed.TotalMilliseconds:0} ms (snapshot at event {_lastSnapshot}, " +
                      $"{LastSequenceNr - _lastSnapshot} events replayed): {_state.Trials.Count} trials, " +
                      $"{_state.RunningOn.Count + _state.RunningParts} running, status {_state.Status}");
        _reattachPending = _state.RunningOn.Count + _state.RunningParts > 0
                           || _state.Refit is { Status: RefitStatus.Running };
        // Every view once: the views may lag the journal (a crash between a write and its view, an older store).
        _viewsDirty = true;
        if (_state.Status != StudyStatus.Running) Context.SetReceiveTimeout(_settings.PassivateAfterFinished);
        Self.Tell(new Tick());
    }

    /// <summary>
    /// Re-attaches to the trials that were running when the coordinator last stopped: on worker nodes still in the
    /// cluster the same worker entities either still run them, still hold their results (and send them again), or
    /// start them afresh. Trials of nodes that are gone (often the coordinator's own crashed node) are dispatched
    /// again as a new dispatch, rather than sent to the gone node's worker id, which sharding would place on another
    /// node to start the same dispatch afresh.
    /// </summary>
    private void Reattach()
    {
        _reattachPending = false;
        if (_state is null) return;
        var alive = _workerNodes.Select(n => n.NodeKey).ToHashSet(StringComparer.Ordinal);
        var gone = new List<(int, int, string)>();
        foreach (var (number, dispatch, node) in _state.RunningDispatches())
        {
            if (alive.Contains(node)) SendRunTrial(number, dispatch, node);
            else gone.Add((number, dispatch, $"its worker node {node} left while the coordinator was down"));
        }
        WorkersGone(gone);
        if (_state.Refit is { Status: RefitStatus.Running, NodeKey: { } refitNode } refit)
        {
            if (alive.Contains(refitNode)) SendRunRefit(refit.Dispatch, refitNode);
            else RefitWorkerLost($"its worker node {refitNode} left while the coordinator was down");
        }
    }

    private void Submit(SubmitStudy submit)
    {
        if (_unloadable is not null)
        {
            Sender.Tell(new StudyRejected(submit.StudyId, _unloadable));
            return;
        }
        IReadOnlyList<IStudyEvent> events;
        string? rejection;
        try
        {
            (events, rejection) = StudyDecider.Submit(_state, submit, _clock());
            if (_state is null && rejection is null)
            {
                var spec = StudySpecParser.Parse(submit.SpecJson, SpecLimits.Unlimited);
                if (_schedulers is null) StudyDecider.CheckTrainable(spec);
                else StudyDecider.CheckTrainable(spec, _schedulers(spec));
            }
            if (rejection is null && submit.EnqueueJson is { } enqueue)
            {
                var after = events.Aggregate(_state,
                    (s, e) => e is StudyCreated c ? StudyState.Create(c) : s!.Apply(e))!;
                try
                {
                    events = events.Concat(StudyDecider.Enqueue(after, enqueue, _clock())).ToList();
                }
                catch (Exception e) when (e is SpecException or InvalidOperationException)
                {
                    (events, rejection) = (Array.Empty<IStudyEvent>(), $"enqueue: {e.Message}");
                }
            }
        }
        catch (SpecException e)
        {
            (events, rejection) = (Array.Empty<IStudyEvent>(), $"invalid spec: {e.Message}");
        }
        if (rejection is not null)
        {
            Sender.Tell(new StudyRejected(submit.StudyId, rejection));
            if (_state is null) Passivate();
            return;
        }
        var created = _state is null;
        var replyTo = Sender;
        PersistEvents(events, () =>
        {
            if (_optimizer is null)
            {
                var spec = _state!.Spec;
                _optimizer = OptimizerFactory.Create(spec.Optimizer, spec.Space, spec.Objective.Direction);
                CreateScheduler(_state.Spec);
            }
            if (created) _log.Info("study {0} created ({1}, {2} trials, parallelism {3})", _studyId, _state!.Spec.Optimizer.Type, _state.MaxTrials, _state.Parallelism);
            replyTo.Tell(new StudySubmitted(_studyId, created, _state!.Progress()));
            Plan();
        });
    }

    private void CreateScheduler(StudySpec spec)
    {
        ITrainable? trainable = null;
        try
        {
            trainable = TrainableFactory.Create(spec);
        }
        catch (SpecException e)
        {
            // Validated at submit; should a stored spec's trainable no longer build here, trials just restart at 0.
            _log.Warning("study {0}: its trainable does not build on the coordinator ({1}); trials restart from step 0",
                _studyId, e.Message);
        }
        _canResume = trainable?.CanResume ?? false;
        _finalStep = trainable?.TotalSteps;
        _parts = trainable?.Parts ?? 1;
        _refits = trainable is IRefittable;
        try
        {
            _scheduler = _schedulers?.Invoke(spec)
                         ?? (trainable is not null
                             ? StudyDecider.SchedulerFor(spec, trainable)
                             : SchedulerFactory.Create(spec, null));
        }
        catch (SpecException e)
        {
            // Only when the trainable no longer builds and the scheduler needed its step count: trials run through.
            _log.Error("study {0}: its scheduler cannot be built ({1}); trials run to their end", _studyId, e.Message);
            _scheduler = new RunToCompletionScheduler();
        }
    }

    /// <summary>The scheduler's rungs for a report (null when they cannot be computed: the report goes without).
    /// </summary>
    private IReadOnlyList<RungSummary>? Rungs()
    {
        try
        {
            return _scheduler.Rungs(_state!.History);
        }
        catch (Exception e)
        {
            _log.Error(e, "study {0}: the scheduler failed to summarize its rungs", _studyId);
            return null;
        }
    }

    /// <summary>
    /// The best trial's hyperparameter schedule when it comes from a population (some trial was exploited), else
    /// null.
    /// </summary>
    private IReadOnlyList<ScheduleSegment>? BestSchedule()
    {
        var trials = _state!.Trials;
        if (!_state.AnyExploited || _state.Best is not { } best) return null;
        return PopulationSchedule.Of(trials, best.Number, best.LastIntermediate?.Step ?? long.MaxValue);
    }

    /// <summary>
    /// An intermediate report: recorded with the scheduler's decision (pause, prune) in one write, together with the
    /// planning a freed slot allows; the worker is told to stop once the decision is written.
    /// </summary>
    private void OnProgress(ReportTrialProgress p)
    {
        if (_state is null || _settings.ReadOnly) return;
        IReadOnlyList<IStudyEvent> events;
        try
        {
            events = StudyDecider.Progress(_state, _scheduler, p.Number, p.Dispatch, p.Step, p.Metrics, _clock(),
                _finalStep, p.At);
        }
        catch (Exception e)
        {
            // A scheduler fault must not lose the report: record it and let the trial go on.
            _log.Error(e, "study {0}: the scheduler failed on trial {1}'s report", _studyId, p.Number);
            events = StudyDecider.Progress(_state, new RunToCompletionScheduler(), p.Number, p.Dispatch, p.Step,
                p.Metrics, _clock(), _finalStep, p.At);
        }
        if (events.Count == 0) return;
        if (events.Count == 1 && events[0] is TrialReported report)
        {
            Defer(report);
            return;
        }
        var workerId = WorkerIdOf(p.Number, _state.RunningOn[p.Number], p.Dispatch);
        foreach (var e in events)
        {
            if (e is TrialPaused paused) _stopOnPersist[e] = (workerId, $"paused at step {paused.Step}");
            else if (e is TrialPruned pruned) _stopOnPersist[e] = (workerId, $"pruned at step {pruned.Step}");
        }
        PersistWithPlan(events, () => { });
    }

    /// <summary>
    /// A worker has a dispatch (it said so, or reported its start): it is watched while the dispatch is current, and
    /// told to stop when it is not.
    /// </summary>
    private void OnAccepted(int number, int dispatch, IActorRef worker)
    {
        _awaitingAccept.Remove((number, dispatch));
        if (_state is not null && _state.IsCurrentDispatch(number, dispatch))
        {
            if (_workers.TryAdd(worker, (number, dispatch))) Context.Watch(worker);
        }
        else
        {
            worker.Tell(new CancelTrial(worker.Path.Name,
                "superseded: the trial finished or was dispatched elsewhere"));
        }
    }

    /// <summary>The worker of a dispatch that ended is no longer watched: its stop is not a lost worker.</summary>
    private void ForgetWorker(int number, int dispatch)
    {
        foreach (var (worker, _) in _workers.Where(kv => kv.Value == (number, dispatch)).ToList())
        {
            Context.Unwatch(worker);
            _workers.Remove(worker);
        }
    }

    private void OnResult(ReportTrialResult r)
    {
        var replyTo = Sender;
        if (NoStudyForResult(r.StudyId)) return;
        var supersededNode = _state.RunningOn.TryGetValue(r.Number, out var node) && _state.LastDispatch.GetValueOrDefault(r.Number) != r.Dispatch
            ? node : null;
        var supersededDispatch = _state.LastDispatch.GetValueOrDefault(r.Number);
        // The worker's finish time: the coordinator may get to the result later (it was writing other events).
        var finishedAt = r.FinishedAt ?? _clock();
        // A run that ended as soon as it started reports its start with its result: recorded first, as if reported.
        _awaitingAccept.Remove((r.Number, r.Dispatch));
        var started = r.StartedAt is { } startedAt && !_settings.ReadOnly
            ? StudyDecider.ExecutionStarted(_state, r.Number, r.Dispatch, startedAt)
            : Array.Empty<IStudyEvent>();
        var state = started.Aggregate(_state, (s, e) => s.Apply(e));
        IReadOnlyList<IStudyEvent> events;
        try
        {
            events = StudyDecider.Result(state, _scheduler, r.Number, r.Dispatch, r.Metrics, r.FailureReason,
                finishedAt);
        }
        catch (Exception e)
        {
            // A scheduler fault on a part's report must not lose the result: record it without a decision.
            _log.Error(e, "study {0}: the scheduler failed on trial {1}'s part result", _studyId, r.Number);
            events = StudyDecider.Result(state, new RunToCompletionScheduler(), r.Number, r.Dispatch, r.Metrics,
                r.FailureReason, finishedAt);
        }
        if (started.Count > 0) events = started.Concat(events).ToList();
        foreach (var (worker, w) in _workers.Where(kv => kv.Value == (r.Number, r.Dispatch)).ToList())
        {
            Context.Unwatch(worker);
            _workers.Remove(worker);
        }
        PersistWithPlan(events, overlap: true, then: () =>
        {
            replyTo.Tell(new TrialResultRecorded(r.StudyId, r.Number, r.Dispatch));
            // An earlier dispatch delivered after all: the one running now is no longer needed.
            if (supersededNode is not null && events.Any(e => e is TrialCompleted))
                _workerRegion.Tell(new CancelTrial(WorkerIdOf(r.Number, supersededNode, supersededDispatch), "an earlier attempt delivered the result"));
            if (events.FirstOrDefault() is TrialFailed f)
                _log.Warning("study {0}: trial {1} failed{2}: {3}", _studyId, f.Number, f.Final ? "" : " (will retry)", f.Reason);
        });
    }

    /// <summary>
    /// True when there is no study to record a worker's result in: then the sender is told when there is none (it was
    /// deleted), so it stops re-sending a result nobody will record. A study this node cannot load (a newer version's
    /// journal) is not "none": its worker keeps re-sending for a node that can.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(false, nameof(_state))]
    private bool NoStudyForResult(string studyId)
    {
        if (_state is not null) return false;
        if (_unloadable is not null) return true;
        Sender.Tell(new StudyNotFound(studyId));
        Passivate();
        return true;
    }

    private void WorkerGone(int number, int dispatch, string reason) => WorkersGone(new[] { (number, dispatch, reason) });

    /// <summary>Requeues the trials whose workers went away, and plans, in one write.</summary>
    private void WorkersGone(IEnumerable<(int Number, int Dispatch, string Reason)> lost)
    {
        if (_state is null) return;
        var events = new List<IStudyEvent>();
        var state = _state;
        foreach (var (number, dispatch, reason) in lost)
        {
            var requeued = StudyDecider.WorkerLost(state, number, dispatch, reason, _clock());
            if (requeued.Count == 0) continue;
            _log.Warning("study {0}: trial {1} requeued: {2}", _studyId, number, reason);
            events.AddRange(requeued);
            state = requeued.Aggregate(state, (s, e) => s.Apply(e));
        }
        PersistWithPlan(events, () => { });
    }

    /// <summary>
    /// A worker node became unreachable or left: its trials are dispatched again at once rather than when the node
    /// is finally removed (seconds later). Should the node come back, whichever attempt finishes first counts and
    /// the other is cancelled.
    /// </summary>
    private void RequeueTrialsOn(IReadOnlySet<string> nodes)
    {
        if (_state is null || nodes.Count == 0 || _settings.ReadOnly) return;
        WorkersGone(_state.RunningDispatches().Where(d => nodes.Contains(d.NodeKey)).ToList()
            .Select(d => (d.Number, d.Dispatch, $"its worker node {d.NodeKey} is unreachable or left the cluster")));
        if (_state.Refit is { Status: RefitStatus.Running, NodeKey: { } refitNode } && nodes.Contains(refitNode))
            RefitWorkerLost($"its worker node {refitNode} is unreachable or left the cluster");
    }

    private void RedispatchUnanswered()
    {
        if (_refitAwaitingAccept is { } awaited && _clock() >= awaited.Deadline)
        {
            _refitAwaitingAccept = null;
            if (_state is not null && RefitDecider.IsCurrent(_state, awaited.Dispatch))
            {
                var node = _state.Refit!.NodeKey!;
                _suspectNodes[node] = _clock() + _settings.SuspectNodeFor;
                RefitWorkerLost($"no answer from worker node {node} within {_settings.DispatchTimeout.TotalSeconds:0}s");
            }
        }
        if (_state is null || _awaitingAccept.Count == 0) return;
        var now = _clock();
        var lost = new List<(int, int, string)>();
        foreach (var ((number, dispatch), deadline) in _awaitingAccept.ToList())
        {
            if (!_state.IsCurrentDispatch(number, dispatch))
            {
                _awaitingAccept.Remove((number, dispatch));
                continue;
            }
            if (now < deadline) continue;
            _awaitingAccept.Remove((number, dispatch));
            var node = _state.NodeOf(number, dispatch)!;
            _suspectNodes[node] = now + _settings.SuspectNodeFor;
            lost.Add((number, dispatch, $"no answer from worker node {node} within {_settings.DispatchTimeout.TotalSeconds:0}s"));
        }
        WorkersGone(lost);
    }

    private IReadOnlyList<WorkerNode> AvailableWorkers()
    {
        if (_suspectNodes.Count == 0) return _workerNodes;
        var now = _clock();
        foreach (var (node, until) in _suspectNodes.ToList())
            if (now >= until) _suspectNodes.Remove(node);
        var trusted = _workerNodes.Where(n => !_suspectNodes.ContainsKey(n.NodeKey)).ToList();
        // Suspicion only steers trials to other nodes; with no other node, the suspect one still gets them.
        return trusted.Count > 0 ? trusted : _workerNodes;
    }

    private void Plan() => PersistWithPlan(Array.Empty<IStudyEvent>(), () => { });

    /// <summary>
    /// Persists <paramref name="events"/> together with the planning they make possible (the next trials started and
    /// dispatched), in one write: a finished trial and its successor's dispatch cost one database round trip.
    /// </summary>
    /// <param name="events">What was decided.</param>
    /// <param name="then">Runs once these events and every earlier one are written.</param>
    /// <param name="overlap">Whether commands go on being handled during the write (see <see cref="_whenWritten"/>).
    /// </param>
    private void PersistWithPlan(IReadOnlyList<IStudyEvent> events, Action then, bool overlap = false)
    {
        if (_state is null)
        {
            PersistEvents(events, then, overlap);
            return;
        }
        var after = events.Aggregate(_state, (s, e) => e is StudyCreated c ? StudyState.Create(c) : s.Apply(e));
        var planned = PlanOn(after);
        var refit = RefitPlanOn(after, planned);
        if (refit.Count > 0) planned = planned.Concat(refit).ToList();
        PersistEvents(planned.Count == 0 ? events : events.Concat(planned).ToList(), then, overlap);
    }

    private IReadOnlyList<IStudyEvent> PlanOn(StudyState state)
    {
        if (_optimizer is null || _settings.ReadOnly || state.Status != StudyStatus.Running || _unloadable is not null) return Array.Empty<IStudyEvent>();
        try
        {
            return StudyDecider.Plan(state, _optimizer, _scheduler, AvailableWorkers(), _clock(),
                _settings.MaxRequeues, _finalStep, _parts);
        }
        catch (Exception e)
        {
            // An optimizer fault must not lose the study: log it and try again on the next tick.
            _log.Error(e, "study {0}: planning the next trials failed", _studyId);
            return Array.Empty<IStudyEvent>();
        }
    }

    /// <summary>
    /// What planning does for the study's refit (<see cref="RefitDecider.Plan"/>), on the state after the trials'
    /// planning (<paramref name="planned"/> may finish the study). A study whose trainable makes no model pays nothing
    /// here: this runs with every write.
    /// </summary>
    private IReadOnlyList<IStudyEvent> RefitPlanOn(StudyState after, IReadOnlyList<IStudyEvent> planned)
    {
        if (!_refits || _settings.ReadOnly || _unloadable is not null) return Array.Empty<IStudyEvent>();
        // Only a finished study or a refit waiting has anything to plan (the trials' planning never touches it).
        var finishes = after.Status == StudyStatus.Finished || planned.Any(e => e is StudyFinished);
        if (!finishes && after.Refit is not { Status: RefitStatus.Waiting }) return Array.Empty<IStudyEvent>();
        var state = planned.Count == 0 ? after : planned.Aggregate(after, (s, e) => s.Apply(e));
        return RefitDecider.Plan(state, AvailableWorkers(), _settings.RefitWhenFinished, _clock());
    }

    /// <summary>
    /// Persists events and applies them to <see cref="_state"/> at once, so every later decision in the same
    /// command (several requeues, a requeue then a plan) builds on them; side effects wait for each event's write.
    /// If a write fails the actor stops and recovers from the journal, so applying early never outlives a failure.
    /// </summary>
    /// <param name="events">The events.</param>
    /// <param name="then">Runs once these events and every earlier one are written.</param>
    /// <param name="overlap">Whether commands go on being handled during the write (see <see cref="_whenWritten"/>).
    /// </param>
    private void PersistEvents(IReadOnlyList<IStudyEvent> events, Action then, bool overlap = false)
    {
        if (events.Count == 0 && _deferred.Count == 0)
        {
            // Nothing to write, but earlier writes may still be under way: "then" must not overtake them (a result
            // delivered twice is confirmed only once its first delivery is written).
            if (_unpersisted == 0) then();
            else DeferAsync(then, t => t());
            return;
        }
        foreach (var e in events)
        {
            if (e is StudyCreated created)
            {
                _state = StudyState.Create(created);
                continue;
            }
            NotePartsToStop(e);
            _state = _state!.Apply(e);
        }
        // Deferred reports were applied before these events, so they are written before them: the journal's order
        // stays the order in which the state changed.
        var all = _deferred.Count == 0 ? events : _deferred.Concat(events).ToList();
        _deferred.Clear();
        _unpersisted += all.Count;
        _progressDirty = true;
        _viewsDirty = true;
        // The continuation runs in the last event's handler (while commands are still stashed, unless overlapping).
        var remaining = all.Count;
        void Written(IStudyEvent e)
        {
            _unpersisted--;
            OnPersisted(e);
            if (--remaining == 0) then();
            if (_unpersisted == 0) OnWritesCaughtUp();
        }
        if (overlap && !_barrierNext)
        {
            PersistAllAsync(all, Written);
            return;
        }
        _barrierNext = false;
        PersistAll(all, Written);
    }

    /// <summary>
    /// Runs <paramref name="action"/> once everything applied to the state is written: at once when it is, else
    /// after the writes under way (and the deferred events, written next), the next write being a barrier.
    /// </summary>
    /// <remarks>
    /// The barrier's write starts from a command (<see cref="WriteDeferredReports"/>), never from a write's handler:
    /// Akka.Persistence enters its stashing state only after a command, so a stashing write begun in the handler of
    /// an overlapping one would never be counted down and would leave the actor stashing for good.
    /// </remarks>
    private void WhenWritten(Action action)
    {
        if (AllWritten)
        {
            action();
            return;
        }
        _whenWritten.Add(action);
        _barrierNext = true;
        if (_unpersisted == 0) Self.Tell(new WriteDeferredReports());
    }

    /// <summary>
    /// No write is under way any more: unless events were deferred meanwhile, what waited for that runs and a
    /// snapshot is taken when due.
    /// </summary>
    private void OnWritesCaughtUp()
    {
        if (_deferred.Count > 0)
        {
            // Applied since, not yet written (a start, a report): written first, as a barrier, if anyone waits.
            if (_whenWritten.Count > 0)
            {
                _barrierNext = true;
                Self.Tell(new WriteDeferredReports());
            }
            return;
        }
        // Only when everything applied is also written: the snapshot must match its sequence number exactly.
        if (SnapshotDue)
        {
            _lastSnapshot = LastSequenceNr;
            SaveSnapshot(_state!.ToSnapshot());
        }
        if (_whenWritten.Count == 0) return;
        var waiting = _whenWritten.ToList();
        _whenWritten.Clear();
        foreach (var action in waiting) action();
    }

    /// <summary>
    /// Applies a report that decided nothing and queues its write behind the messages already waiting (a burst of
    /// reports from many slots becomes one journal write); any other write writes it first.
    /// </summary>
    private void Defer(TrialReported report)
    {
        if (!_deferred.Any(e => e is TrialReported)) Self.Tell(new WriteDeferredReports());
        ApplyDeferred(report);
    }

    /// <summary>
    /// Applies a trial's start on its worker and writes it with the next write, or after
    /// <see cref="StudySettings.StartWriteDelay"/>: a short trial's result usually comes first, and carries it.
    /// </summary>
    private void DeferStart(IStudyEvent started)
    {
        if (!Timers.IsTimerActive(StartWriteTimer))
            Timers.StartSingleTimer(StartWriteTimer, new WriteDeferredReports(), _settings.StartWriteDelay);
        ApplyDeferred(started);
    }

    private const string StartWriteTimer = "start-write";

    private void ApplyDeferred(IStudyEvent e)
    {
        _state = _state!.Apply(e);
        _progressDirty = true;
        _viewsDirty = true;
        _deferred.Add(e);
    }

    private void OnPersisted(IStudyEvent e)
    {
        if (_stopOnPersist.Remove(e, out var stop))
        {
            if (e is TrialPaused) _workerRegion.Tell(new PauseTrial(stop.WorkerId, stop.Reason));
            else _workerRegion.Tell(new CancelTrial(stop.WorkerId, stop.Reason));
        }
        if (_partsToStop.Remove(e, out var parts))
            foreach (var workerId in parts)
                _workerRegion.Tell(new CancelTrial(workerId,
                    $"its trial ended or went back to wait ({e.GetType().Name})"));
        switch (e)
        {
            case TrialDispatched d:
                SendRunTrial(d.Number, d.Dispatch, d.NodeKey);
                break;
            case TrialPartDispatched d:
                SendRunTrial(d.Number, d.Dispatch, d.NodeKey);
                break;
            case RefitDispatched d:
                SendRunRefit(d.Dispatch, d.NodeKey);
                break;
            case RefitCompleted c:
                _log.Info("study {0}: trial {1} refitted on {2} ({3}); model {4}", _studyId, _state!.Refit!.Trial,
                    _state.Refit.NodeKey, string.Join(", ", c.TestMetrics.Select(m => $"test {m.Key} {m.Value:G6}")),
                    c.ModelPath);
                break;
            case RefitFailed f:
                _log.Warning("study {0}: its refit failed{1}: {2}", _studyId, f.Final ? "" : " (will retry)", f.Reason);
                break;
            case StudyFinished f:
                _log.Info("study {0} finished: {1}", _studyId, f.Reason);
                DiscardKeptCheckpoints();
                Publish();
                WhenWritten(() => WriteViews());
                Context.SetReceiveTimeout(_settings.PassivateAfterFinished);
                break;
        }
        // A snapshot is due but writes overlap: the next write waits for them, so a moment with all written comes.
        if (_unpersisted > 0 && SnapshotDue) _barrierNext = true;
    }

    /// <summary>
    /// A finished study's copies of checkpoints kept for exploits and resumes are no longer needed: deleted from the
    /// study's store, in the background (a failure is only logged; deleting the study deletes them too). A study
    /// reopened later with a larger budget resumes no trial from them: its paused trials were pruned when it
    /// finished, and a population that has started cannot grow (<see cref="StudyDecider.Submit"/>).
    /// </summary>
    private void DiscardKeptCheckpoints()
    {
        if (_checkpoints is null || !_scheduler.CopiesCheckpoints) return;
        var (studyId, incarnation, log) = (_studyId, _state!.Incarnation, _log);
        ICheckpointStore store;
        try
        {
            store = _checkpoints(_scheduler.CheckpointStore);
        }
        catch (ArgumentException e)
        {
            log.Warning("study {0}: its kept checkpoint copies were not deleted: {1}", studyId, e.Message);
            return;
        }
        Task.Run(() => store.DiscardIncarnationAsync(studyId, incarnation, CancellationToken.None))
            .ContinueWith(t =>
            {
                if (t.IsFaulted)
                    log.Warning("study {0}: deleting its kept checkpoint copies from {1} failed: {2}", studyId,
                        store.Describe(), t.Exception!.GetBaseException().Message);
                else log.Info("study {0}: its kept checkpoint copies are deleted from {1}", studyId, store.Describe());
            }, TaskScheduler.Default);
    }

    /// <summary>
    /// Before <paramref name="e"/> is applied: when it ends a trial in parts or sends it back to wait (a failed
    /// attempt), the workers of its parts still running are noted, to be stopped once it is written.
    /// </summary>
    private void NotePartsToStop(IStudyEvent e)
    {
        var number = StudyState.AttemptEndedBy(e);
        if (number < 0 || !_state!.Parts.TryGetValue(number, out var parts)) return;
        var running = parts.Where(p => p.IsRunning).Select(p => WorkerIdOf(number, p.NodeKey!, p.Dispatch)).ToList();
        if (running.Count > 0) _partsToStop[e] = running;
    }

    /// <summary>Everything applied to the state is written: no write under way, no deferred event.</summary>
    private bool AllWritten => _unpersisted == 0 && _deferred.Count == 0;

    private bool SnapshotDue => LastSequenceNr - _lastSnapshot >= SnapshotInterval;

    /// <summary>Events between snapshots: more as the study grows (see <see cref="StudySettings.SnapshotEveryFraction"/>).
    /// </summary>
    private long SnapshotInterval =>
        Math.Max(_settings.SnapshotEvery, (long)(_settings.SnapshotEveryFraction * _state!.Trials.Count));

    private void SendRunTrial(int number, int dispatch, string nodeKey)
    {
        var trial = _state!.Trials[number];
        _awaitingAccept[(number, dispatch)] = _clock() + _settings.DispatchTimeout;
        var runSpec = RunSpecOf(_state.Spec);
        var workerId = WorkerIdOf(number, nodeKey, dispatch);
        _workerRegion.Tell(new RunTrial(workerId, _studyId, _state.Incarnation, number, dispatch, runSpec, trial.Params)
        {
            Part = _state.PartOf(number, dispatch),
            // Without checkpoints a trial restarts at 0; its reports up to the recorded step are then ignored.
            ResumeStep = _canResume ? trial.LastIntermediate?.Step ?? 0 : 0,
            // A stop at the trainable's last step is its end: the run completes rather than pausing there.
            StopAtStep = trial.StopAtStep is { } stop && stop >= _finalStep ? null : trial.StopAtStep,
            RestoreFromTrial = RestoreSource(trial),
            KeepPauseCheckpoints = _scheduler.CopiesCheckpoints,
            CheckpointStore = _scheduler.CheckpointStore,
            DiscardKeptBefore = _scheduler.CopiesCheckpoints
                ? _scheduler.KeptCheckpointsNeededFrom(new SchedulerContext(_state.History, false, _state.MaxTrials))
                : 0,
        });
    }

    /// <summary>
    /// What a worker needs of <paramref name="spec"/>, made once per spec (a study reopened with a new budget has a new
    /// one) rather than once per trial.
    /// </summary>
    private TrialRunSpec RunSpecOf(StudySpec spec)
    {
        if (_runSpec is not { } cached || !ReferenceEquals(cached.Spec, spec))
            _runSpec = cached = (spec, TrialRunSpec.Of(spec));
        return cached.Run;
    }

    /// <summary>Sends the refit's dispatch to its worker (again, after a recovery: the worker answers with what it has).
    /// </summary>
    private void SendRunRefit(int dispatch, string nodeKey)
    {
        _refitAwaitingAccept = (dispatch, _clock() + _settings.DispatchTimeout);
        _workerRegion.Tell(new RunRefit(TrialWorkerId.FormatRefit(nodeKey, _studyId, dispatch), _studyId, dispatch,
            RunSpecOf(_state!.Spec), _state.Trials[_state.Refit!.Trial].Params));
    }

    /// <summary>
    /// The trial whose checkpoint a dispatch starts from instead of its own: the donor of its last exploit, until
    /// it has reported a step of its own since (then its own checkpoint is newer).
    /// </summary>
    private static int? RestoreSource(TrialRecord trial) =>
        trial.Lineage.Count > 0 && trial.Lineage[^1] is var last && last.Donor != trial.Number
        && (trial.LastIntermediate?.Step ?? 0) == last.Step
            ? last.Donor
            : null;

    private string WorkerIdOf(int number, string nodeKey, int dispatch) => TrialWorkerId.Format(nodeKey, _studyId, number, dispatch);

    /// <summary>Pauses or resumes the study (a resume plans at once), replying with its report.</summary>
    private void HoldOrResume(string studyId, Func<StudyState, IReadOnlyList<IStudyEvent>> decide)
    {
        if (Unavailable(studyId)) return;
        if (_settings.ReadOnly)
        {
            Sender.Tell(new StudyRejected(studyId, "this node opened the store read-only"));
            return;
        }
        IReadOnlyList<IStudyEvent> events;
        try
        {
            events = decide(_state!);
        }
        catch (InvalidOperationException e)
        {
            Sender.Tell(new StudyRejected(studyId, e.Message));
            return;
        }
        var replyTo = Sender;
        PersistWithPlan(events, () => replyTo.Tell(Report(includeTrials: false)));
    }

    /// <summary>What a query sees: progress, rungs, generations and, with trials, where each one runs.</summary>
    private StudyReport Report(bool includeTrials) => new(_state!.Progress(), includeTrials ? _state.Trials : null)
    {
        Rungs = Rungs(),
        FinalStep = _finalStep,
        BestSchedule = BestSchedule(),
        Generations = _state.AnyGeneration && Core.Optimizers.Evolution.GenerationSummary.Of(_state.History)
            is { Count: > 0 } g ? g : null,
        RunningOn = includeTrials ? _state.RunningOn : null,
        Dispatches = includeTrials ? _state.LastDispatch : null,
        Executing = includeTrials ? _state.Executing : null,
        Parts = includeTrials ? _state.Parts.ToDictionary(p => p.Key, p => TrialPartsProgress.Of(p.Value)) : null,
        CoordinatorNode = NodeAddress,
        SpaceJson = _spaceJson ??= SpaceOf(_state.SpecJson),
    };

    private string? _spaceJson;

    /// <summary>The <c>space</c> of a spec's JSON text, as written.</summary>
    private static string? SpaceOf(string specJson)
    {
        using var spec = System.Text.Json.JsonDocument.Parse(specJson);
        return spec.RootElement.TryGetProperty("space", out var space) ? space.GetRawText() : null;
    }

    /// <summary>
    /// Writes the study's read-model views (its row and the rows of trials that changed since the last write) off
    /// the actor's thread, one write at a time, and only of state that is in the journal: a view never shows what
    /// a crash could take back. A failed write is retried on the next interval; the journal is never affected.
    /// </summary>
    private void WriteViews(bool final = false)
    {
        if (_views is null || !_viewsDirty || (_viewsWriting && !final) || _state is null || _unloadable is not null)
            return;
        if (!AllWritten) return;
        _viewsDirty = false;
        _viewsWriting = true;
        var report = Report(includeTrials: true);
        var trials = _state.Trials;
        var written = _viewsWritten;
        var version = LastSequenceNr;
        var now = _clock();
        var writer = _views;
        // Unfinished trials are written each time: where they run and whether they wait for a slot change
        // without their record changing.
        var changed = trials.Where(t => written is null || t.Number >= written.Count
                                        || !ReferenceEquals(written[t.Number], t)
                                        || t.State is TrialState.Running or TrialState.Waiting);
        var write = Task.Run(async () =>
        {
            var study = StudyViewProjection.Study(report, version, now);
            await writer.WriteAsync(study, StudyViewProjection.Trials(report, changed, version), CancellationToken.None)
                .ConfigureAwait(false);
        });
        StudyViewStore.Get(Context.System).Track(write);
        _viewsWrite = write;
        if (final) return;
        write.PipeTo(Self, success: () => new ViewsWritten(trials, null), failure: e => new ViewsWritten(null, e));
    }

    private void OnViewsWritten(ViewsWritten w)
    {
        _viewsWriting = false;
        if (w.Error is null)
        {
            _viewsWritten = w.Trials;
            _viewsFailing = false;
            return;
        }
        _viewsDirty = true;
        // Once per outage, not once per interval.
        if (!_viewsFailing) _log.Warning("study {0}: writing its read-model views failed (retrying): {1}", _studyId,
            w.Error.GetBaseException().Message);
        _viewsFailing = true;
    }

    private void Publish()
    {
        if (!_progressDirty || _state is null) return;
        _progressDirty = false;
        var progress = _state.Progress();
        foreach (var w in _watchers) w.Tell(progress);
    }

    private bool Unavailable(string studyId, IActorRef? replyTo = null)
    {
        replyTo ??= Sender;
        if (_unloadable is not null)
        {
            replyTo.Tell(new StudyRejected(studyId, _unloadable));
            return true;
        }
        if (_state is not null) return false;
        replyTo.Tell(new StudyNotFound(studyId));
        Passivate();
        return true;
    }

    private string NodeAddress
    {
        get
        {
            var address = ((ExtendedActorSystem)Context.System).Provider.DefaultAddress;
            return address.Host is null ? address.ToString() : $"{address.Host}:{address.Port}";
        }
    }

    private void Passivate() => Context.Parent.Tell(new Passivate(PoisonPill.Instance));
}
