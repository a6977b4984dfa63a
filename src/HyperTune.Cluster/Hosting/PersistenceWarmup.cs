using System.Diagnostics;
using Akka.Actor;
using Akka.Persistence;

namespace HyperTune.Cluster.Hosting;

/// <summary>
/// Recovers one never-written persistence id when a coordinator node starts, then stops. That creates the journal
/// and snapshot plugins and runs their read queries once (snapshot lookup, highest sequence number, replay).
/// </summary>
/// <remarks>
/// Akka.Persistence.Sql builds and compiles each query the first time it runs, which took about 2.5 s on this
/// project's 2-core machines. Without a warm-up that cost fell in the middle of a failover: the node taking over a
/// crashed node's sharding coordinator paid it to recover the coordinator's remembered shards, before any study
/// could restart. It also checks, before the node joins, that the journal can be read at all.
/// </remarks>
public sealed class PersistenceWarmup : UntypedPersistentActor
{
    private readonly TaskCompletionSource<TimeSpan> _done;
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();

    /// <summary>Creates the warm-up (use <see cref="Props"/>; Akka creates actors through a public constructor).</summary>
    public PersistenceWarmup(string persistenceId, TaskCompletionSource<TimeSpan> done)
    {
        PersistenceId = persistenceId;
        _done = done;
    }

    /// <inheritdoc />
    public override string PersistenceId { get; }

    /// <summary>Props for the warm-up; <paramref name="done"/> completes with how long the recovery took, or fails.</summary>
    public static Props Props(string persistenceId, TaskCompletionSource<TimeSpan> done) =>
        Akka.Actor.Props.Create(() => new PersistenceWarmup(persistenceId, done));

    /// <inheritdoc />
    protected override void OnRecover(object message)
    {
        if (message is not RecoveryCompleted) return;
        _done.TrySetResult(_elapsed.Elapsed);
        Context.Stop(Self);
    }

    /// <inheritdoc />
    protected override void OnCommand(object message) => Unhandled(message);

    /// <inheritdoc />
    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        _done.TrySetException(new InvalidOperationException($"the journal could not be read: {reason.GetBaseException().Message}", reason));
        base.OnRecoveryFailure(reason, message);
    }
}
