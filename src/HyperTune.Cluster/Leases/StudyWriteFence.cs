using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using static HyperTune.Cluster.Leases.StudyLeaseProtocol;

namespace HyperTune.Cluster.Leases;

/// <summary>
/// Makes a study coordinator the only writer of its study's journal: before its first write (after recovery, or
/// on the submit that creates the study) it takes the study's lease, and it processes nothing while the lease is
/// not trusted. The lease is renewed every renew-interval; its validity is counted on this process's monotonic
/// clock from when each renewal was sent, so a coordinator whose process was frozen (SIGSTOP, a long pause) or cut
/// off from the database knows, on the first message it sees afterwards, that another node may own the study now:
/// it then neither writes nor answers, and stops. A coordinator started again on that node must take the lease
/// anew, which fails while the new owner renews it, so the two never take turns.
/// </summary>
/// <remarks>Not an actor: the coordinator owns it and routes every message through <see cref="Admit"/>.</remarks>
public sealed class StudyWriteFence
{
    private enum Phase
    {
        Off,
        Recovering,
        Idle,
        Acquiring,
        Held,
        Lost,
    }

    private const string LapsedReason =
        "its lease ran out before it could be renewed (the process was frozen or the database did not answer)";

    // How an actor's timer messages reach AroundReceive (wrapped; the wrapper type is not public).
    private static readonly Type? TimerMessage = Type.GetType("Akka.Actor.Scheduler.TimerScheduler+ITimerMsg, Akka");

    private readonly ILeaseStore? _store;
    private readonly StudyLeaseSettings _settings;
    private readonly string _studyId;
    private readonly string _owner;
    private readonly IActorRef _self;
    private readonly IScheduler _scheduler;
    private readonly ILoggingAdapter _log;
    private readonly Action _onLost;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private Phase _phase;
    private LeaseValidity _validity = LeaseValidity.None;
    private Action? _onHeld;
    private TimeSpan _waitingSince;
    private bool _waitLogged;
    private bool _requestInFlight;
    private ICancelable? _renewing;
    private ICancelable? _retry;

    /// <summary>A fence for one coordinator incarnation.</summary>
    /// <param name="studyId">The study.</param>
    /// <param name="leases">The node's lease store and settings; no store means no fencing.</param>
    /// <param name="readOnly">A read-only coordinator never writes and needs no lease.</param>
    /// <param name="self">The coordinator.</param>
    /// <param name="scheduler">Schedules the fence's own messages (plain messages: an actor's timer messages reach
    /// <c>AroundReceive</c> wrapped, and the fence must recognize its own).</param>
    /// <param name="log">The coordinator's log.</param>
    /// <param name="onLost">Called once when the lease is lost: the coordinator stops.</param>
    public StudyWriteFence(string studyId, ClusterLeases leases, bool readOnly, IActorRef self, IScheduler scheduler,
        ILoggingAdapter log, Action onLost)
    {
        _store = readOnly ? null : leases.Store;
        _settings = leases.StudySettings;
        _studyId = studyId;
        // The node incarnation holds the lease; the instance part keeps a late release of a predecessor on this
        // node from deleting the lease of the coordinator restarted after it.
        _owner = $"{leases.NodeOwner}/{Guid.NewGuid().ToString("N")[..8]}";
        _self = self;
        _scheduler = scheduler;
        _log = log;
        _onLost = onLost;
        _phase = _store is null ? Phase.Off : Phase.Recovering;
    }

    /// <summary>The lease's name in the store.</summary>
    public string LeaseName => LeaseNameOf(_studyId);

    /// <summary>The lease name of a study.</summary>
    public static string LeaseNameOf(string studyId) => $"study/{studyId}";

    /// <summary>
    /// Recovery is over. With a stored study the lease is taken now and <paramref name="continueRecovery"/> runs once
    /// it is held (returns false meanwhile); without one (an unknown study id) the lease waits for the first write.
    /// Returns true when the caller may go on at once.
    /// </summary>
    public bool Recovered(bool studyExists, Action continueRecovery, Action unstashAll)
    {
        if (_phase != Phase.Recovering) return true;
        if (!studyExists)
        {
            _phase = Phase.Idle;
            _onHeld = unstashAll;
            return true;
        }
        StartAcquiring(() =>
        {
            continueRecovery();
            unstashAll();
        });
        return false;
    }

    /// <summary>
    /// Decides what the coordinator does with <paramref name="message"/>; <paramref name="writes"/> tells whether
    /// the message may create the study (the only write that can come before the lease is otherwise needed).
    /// </summary>
    public FenceAdmission Admit(object message, bool writes)
    {
        if (message is ILeaseMessage lease)
        {
            Handle(lease);
            return FenceAdmission.Consumed;
        }
        switch (_phase)
        {
            case Phase.Off:
            case Phase.Recovering:
                return FenceAdmission.Deliver;
            case Phase.Idle:
                if (!writes) return FenceAdmission.Deliver;
                StartAcquiring(_onHeld);
                return FenceAdmission.Wait;
            case Phase.Acquiring:
                // The actor's own timer messages (periodic ticks) come again; everything else waits for the lease.
                return TimerMessage?.IsInstanceOfType(message) == true ? FenceAdmission.Consumed : FenceAdmission.Wait;
            case Phase.Held:
                if (_validity.IsValidAt(_clock.Elapsed)) return FenceAdmission.Deliver;
                Lose(LapsedReason);
                return FenceAdmission.Refuse;
            default:
                return FenceAdmission.Refuse;
        }
    }

    /// <summary>
    /// Gives the lease back (graceful stop, passivation) so the next owner need not wait for it to expire.
    /// </summary>
    public void Release()
    {
        CancelSchedules();
        if (_phase != Phase.Held || !_validity.IsValidAt(_clock.Elapsed) || _store is null) return;
        _phase = Phase.Lost;
        var name = LeaseName;
        var log = _log;
        _store.ReleaseAsync(name, _owner).ContinueWith(t =>
        {
            if (t.IsFaulted)
                log.Debug("releasing lease {0} failed (it expires by itself): {1}", name,
                    t.Exception?.GetBaseException().Message);
        }, TaskScheduler.Default);
    }

    private void StartAcquiring(Action? onHeld)
    {
        _phase = Phase.Acquiring;
        _onHeld = onHeld;
        _waitingSince = _clock.Elapsed;
        Request();
    }

    private void Request()
    {
        if (_requestInFlight || _store is null) return;
        _requestInFlight = true;
        var sentAt = _clock.Elapsed;
        _store.TryAcquireAsync(LeaseName, _owner, _settings.Ttl).ContinueWith<object>(t =>
        {
            if (t.IsFaulted || t.IsCanceled)
                return new LeaseUnanswered(t.Exception?.GetBaseException().Message ?? "timed out");
            var claim = t.Result;
            return claim.Acquired ? new LeaseGranted(sentAt) : new LeaseRefused(claim.Holder, claim.HolderRemaining);
        }, TaskScheduler.Default).PipeTo(_self);
    }

    private void Handle(ILeaseMessage message)
    {
        switch (message)
        {
            case AcquireLease or RenewLease:
                if (_phase == Phase.Held && !_validity.IsValidAt(_clock.Elapsed))
                {
                    Lose(LapsedReason);
                    return;
                }
                if (_phase is Phase.Acquiring or Phase.Held) Request();
                return;
            case LeaseGranted granted:
                _requestInFlight = false;
                OnGranted(granted);
                return;
            case LeaseRefused refused:
                _requestInFlight = false;
                OnRefused(refused);
                return;
            case LeaseUnanswered unanswered:
                _requestInFlight = false;
                if (_phase == Phase.Acquiring)
                {
                    _log.Warning("study {0}: cannot take its lease yet ({1}); asking again in {2:0.#}s", _studyId,
                        unanswered.Reason, _settings.RetryInterval.TotalSeconds);
                    RetryLater();
                }
                else if (_phase == Phase.Held)
                {
                    _log.Warning("study {0}: renewing its lease failed ({1}); trusted for {2:0.#}s more", _studyId,
                        unanswered.Reason, _validity.RemainingAt(_clock.Elapsed).TotalSeconds);
                }
                return;
        }
    }

    private void OnGranted(LeaseGranted granted)
    {
        var validity = LeaseValidity.AfterRenewal(granted.SentAt, _settings.Ttl, _settings.Margin);
        switch (_phase)
        {
            case Phase.Acquiring:
                _validity = validity;
                if (!_validity.IsValidAt(_clock.Elapsed))
                {
                    // The answer took longer than the lease lasts: ask again rather than trust it.
                    RetryLater();
                    return;
                }
                _phase = Phase.Held;
                var every = _settings.RenewInterval;
                _renewing = _scheduler.ScheduleTellRepeatedlyCancelable(every, every, _self, RenewLease.Instance,
                    ActorRefs.NoSender);
                if (_waitLogged)
                    _log.Info("study {0}: took its lease after waiting {1:0.0}s", _studyId,
                        (_clock.Elapsed - _waitingSince).TotalSeconds);
                var onHeld = _onHeld;
                _onHeld = null;
                onHeld?.Invoke();
                return;
            case Phase.Held:
                _validity = _validity.Max(validity);
                return;
        }
    }

    private void OnRefused(LeaseRefused refused)
    {
        switch (_phase)
        {
            case Phase.Acquiring:
                if (!_waitLogged)
                {
                    _waitLogged = true;
                    _log.Info("study {0}: waiting for its lease, held by {1} for {2:0.0}s more unless renewed (a " +
                              "coordinator that stopped, crashed, was frozen or cut off); nothing is written meanwhile",
                        _studyId, refused.Holder ?? "another node",
                        (refused.HolderRemaining ?? TimeSpan.Zero).TotalSeconds);
                }
                RetryLater();
                return;
            case Phase.Held:
                Lose($"its lease is now held by {refused.Holder ?? "another node"}");
                return;
        }
    }

    private void RetryLater()
    {
        _retry?.Cancel();
        _retry = _scheduler.ScheduleTellOnceCancelable(_settings.RetryInterval, _self, AcquireLease.Instance,
            ActorRefs.NoSender);
    }

    private void CancelSchedules()
    {
        _renewing?.Cancel();
        _retry?.Cancel();
    }

    private void Lose(string reason)
    {
        if (_phase == Phase.Lost) return;
        _phase = Phase.Lost;
        CancelSchedules();
        _log.Warning("study {0}: this coordinator stops without writing or answering: {1}; another node may own " +
                     "the study now", _studyId, reason);
        _onLost();
    }
}
