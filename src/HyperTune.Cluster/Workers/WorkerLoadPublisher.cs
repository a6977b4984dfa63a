using Akka.Actor;
using Akka.DistributedData;

namespace HyperTune.Cluster.Workers;

/// <summary>
/// Publishes how many trials this worker node runs (across all studies) into a replicated map, so every
/// coordinator places trials by the nodes' real load and not only by its own study's. Changes are written locally
/// at most every <see cref="Interval"/> and spread by gossip; the slot limiter stays the hard guarantee.
/// </summary>
public sealed class WorkerLoadPublisher : ReceiveActor, IWithTimers
{
    /// <summary>The replicated map: node key to running trials.</summary>
    public static readonly LWWDictionaryKey<string, int> Key = new("hypertune-worker-busy");

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    private sealed record Flush;

    private readonly IActorRef _replicator = DistributedData.Get(Context.System).Replicator;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private int _busy;
    private int _published = -1;

    /// <summary>Props for the publisher.</summary>
    public static Props Props() => Akka.Actor.Props.Create(() => new WorkerLoadPublisher());

    /// <summary>Creates the publisher.</summary>
    public WorkerLoadPublisher()
    {
        Receive<WorkerSlots.SlotUsageChanged>(u => _busy = u.Usage.Busy);
        Receive<Flush>(_ =>
        {
            if (_busy == _published) return;
            _published = _busy;
            var nodeKey = NodeKey.Of(_cluster.SelfUniqueAddress);
            var busy = _busy;
            _replicator.Tell(Dsl.Update(Key, LWWDictionary<string, int>.Empty, WriteLocal.Instance,
                d => d.SetItem(_cluster, nodeKey, busy)));
        });
        Receive<UpdateSuccess>(_ => { });
        Receive<IUpdateFailure>(_ => _published = -1);
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <inheritdoc />
    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(WorkerSlots.SlotUsageChanged));
        Timers.StartPeriodicTimer("flush", new Flush(), Interval);
    }

    /// <inheritdoc />
    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);
}
