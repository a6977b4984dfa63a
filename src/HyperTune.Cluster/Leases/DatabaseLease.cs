using System.Diagnostics;
using Akka.Actor;
using Akka.Coordination;
using Akka.Event;

namespace HyperTune.Cluster.Leases;

/// <summary>
/// An <see cref="Lease"/> kept in the node's lease store (PostgreSQL), for the split-brain resolver's
/// <c>lease-majority</c> strategy: when the cluster splits, or members stop hearing each other, only the side that
/// holds this lease stays up, so one crash can never down every node. Configured as
/// <c>lease-class = "HyperTune.Cluster.Leases.DatabaseLease, HyperTune.Cluster"</c> with the usual
/// <c>heartbeat-timeout</c> (the lease's time to live), <c>heartbeat-interval</c> (renewals) and
/// <c>acquire-wait</c>: how long an acquisition waits for a lease another node holds to expire (a holder that
/// crashed stops renewing), which must stay well below the resolver's <c>release-after</c>.
/// <para>
/// The resolver keeps its lease until <c>release-after</c> past the removal of the nodes it downed, leader or not.
/// A lease held by a member this node reaches is taken over at once instead of waited for: that holder is on this
/// side of any split, its own decision is carried out, and the leader deciding now is this node. Without that, a
/// leader that changed (a restarted node with a lower address) could not get the lease for its next decision and
/// would down its own side, every node, after a second crash.
/// </para>
/// </summary>
public sealed class DatabaseLease : Lease
{
    private readonly ILeaseStore _store;
    private readonly Func<string, bool> _isReachableMember;
    private readonly ILoggingAdapter _log;
    private readonly string _owner;
    private readonly TimeSpan _ttl;
    private readonly TimeSpan _renewInterval;
    private readonly TimeSpan _acquireWait;
    private readonly TimeSpan _margin;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _gate = new();
    private LeaseValidity _validity = LeaseValidity.None;
    private CancellationTokenSource? _renewing;
    private Action<Exception>? _onLost;

    /// <summary>Created by Akka's <see cref="LeaseProvider"/>.</summary>
    public DatabaseLease(LeaseSettings settings, ExtendedActorSystem system) : base(settings)
    {
        _store = ClusterLeases.Get(system).Store
                 ?? throw new LeaseException(
                     "DatabaseLease needs a lease store: hypertune.lease.store = postgres (PostgreSQL storage)");
        _isReachableMember = ClusterLeases.Get(system).IsReachableMember;
        _log = Logging.GetLogger(system, typeof(DatabaseLease));
        // The store reads "HOLDER/INSTANCE"; an owner name is one holder whatever it contains.
        _owner = settings.OwnerName.Replace('/', '_');
        _ttl = settings.TimeoutSettings.HeartbeatTimeout;
        _renewInterval = settings.TimeoutSettings.HeartbeatInterval;
        _acquireWait = settings.LeaseConfig.GetTimeSpan("acquire-wait", _ttl + _ttl);
        _margin = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(2).Ticks, _ttl.Ticks / 4));
    }

    /// <inheritdoc />
    public override Task<bool> Acquire() => Acquire(null);

    /// <inheritdoc />
    public override async Task<bool> Acquire(Action<Exception>? leaseLostCallback)
    {
        var deadline = _clock.Elapsed + _acquireWait;
        var logged = false;
        while (true)
        {
            var sentAt = _clock.Elapsed;
            LeaseClaim claim;
            try
            {
                claim = await _store.TryAcquireAsync(Settings.LeaseName, _owner, _ttl).ConfigureAwait(false);
                if (!claim.Acquired && claim.Holder is { } holder && _isReachableMember(holder))
                {
                    claim = await _store.TryTakeOverAsync(Settings.LeaseName, _owner, holder, _ttl)
                        .ConfigureAwait(false);
                    if (claim.Acquired)
                        _log.Info("lease {0} taken over from {1}, a member this node reaches: its holder's decision " +
                                  "is done and this node decides now", Settings.LeaseName, holder);
                }
            }
            catch (Exception e)
            {
                // Unreachable or slow (the statement's timeout): not acquired this time; ask again until the deadline.
                _log.Warning("lease {0}: the store did not answer ({1})", Settings.LeaseName,
                    e.GetBaseException().Message);
                claim = new LeaseClaim(false);
            }
            if (claim.Acquired)
            {
                lock (_gate)
                {
                    _validity = LeaseValidity.AfterRenewal(sentAt, _ttl, _margin);
                    _onLost = leaseLostCallback;
                    if (_renewing is null)
                    {
                        _renewing = new CancellationTokenSource();
                        _ = RenewLoopAsync(_renewing.Token);
                    }
                }
                return true;
            }
            if (_clock.Elapsed >= deadline) return false;
            if (!logged && claim.Holder is not null)
            {
                logged = true;
                _log.Info("lease {0} is held by {1} for {2:0.0}s more unless renewed; waiting up to {3:0}s for it",
                    Settings.LeaseName, claim.Holder, (claim.HolderRemaining ?? TimeSpan.Zero).TotalSeconds,
                    _acquireWait.TotalSeconds);
            }
            var pause = TimeSpan.FromSeconds(1);
            if (claim.HolderRemaining is { } remaining && remaining < pause)
                pause = remaining + TimeSpan.FromMilliseconds(50);
            await Task.Delay(pause).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override async Task<bool> Release()
    {
        lock (_gate)
        {
            _renewing?.Cancel();
            _renewing = null;
            _validity = LeaseValidity.None;
            _onLost = null;
        }
        // Not ours any more either way: deleted now, or already expired or taken.
        await _store.ReleaseAsync(Settings.LeaseName, _owner).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public override bool CheckLease()
    {
        lock (_gate) return _validity.IsValidAt(_clock.Elapsed);
    }

    private async Task RenewLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_renewInterval, cancellationToken).ConfigureAwait(false);
                var sentAt = _clock.Elapsed;
                var claim = await _store.TryAcquireAsync(Settings.LeaseName, _owner, _ttl, cancellationToken)
                    .ConfigureAwait(false);
                Action<Exception>? lost = null;
                lock (_gate)
                {
                    if (cancellationToken.IsCancellationRequested) return;
                    if (claim.Acquired) _validity = _validity.Max(LeaseValidity.AfterRenewal(sentAt, _ttl, _margin));
                    else
                    {
                        _validity = LeaseValidity.None;
                        lost = _onLost;
                        _renewing = null;
                    }
                }
                if (!claim.Acquired)
                {
                    _log.Warning("lease {0} was taken by {1}", Settings.LeaseName, claim.Holder ?? "another node");
                    var holder = claim.Holder ?? "another node";
                    lost?.Invoke(new LeaseException($"lease {Settings.LeaseName} was taken by {holder}"));
                    return;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _log.Warning("lease {0}: renewal failed ({1})", Settings.LeaseName, e.GetBaseException().Message);
            }
        }
    }
}
