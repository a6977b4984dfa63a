using System.Collections.Immutable;
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
    /// <summary>The replicated map: <c>{nodeKey}|{studyId}</c> to the study's running trials on that node.</summary>
    public static readonly LWWDictionaryKey<string, int> Key = new("hypertune-worker-busy");

    /// <summary>The map key of a node and study.</summary>
    public static string EntryKey(string nodeKey, string studyId) => $"{nodeKey}|{studyId}";

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    private sealed record Flush;

    private readonly IActorRef _replicator = DistributedData.Get(Context.System).Replicator;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private ImmutableSortedDictionary<string, int> _busy = ImmutableSortedDictionary<string, int>.Empty;
    private ImmutableSortedDictionary<string, int>? _published;

    /// <summary>Props for the publisher.</summary>
    public static Props Props() => Akka.Actor.Props.Create(() => new WorkerLoadPublisher());

    /// <summary>Creates the publisher.</summary>
    public WorkerLoadPublisher()
    {
        Receive<WorkerSlots.SlotUsageChanged>(u => _busy = u.Usage.BusyByStudy);
        Receive<Flush>(_ =>
        {
            if (_published is not null && _busy.SequenceEqual(_published)) return;
            var previous = _published ?? ImmutableSortedDictionary<string, int>.Empty;
            var busy = _busy;
            _published = busy;
            var nodeKey = NodeKey.Of(_cluster.SelfUniqueAddress);
            _replicator.Tell(Dsl.Update(Key, LWWDictionary<string, int>.Empty, WriteLocal.Instance, d =>
            {
                // Studies with nothing running here any more leave the map, so it does not grow without bound.
                foreach (var gone in previous.Keys.Where(s => !busy.ContainsKey(s))) d = d.Remove(_cluster, EntryKey(nodeKey, gone));
                foreach (var (study, count) in busy) d = d.SetItem(_cluster, EntryKey(nodeKey, study), count);
                return d;
            }));
        });
        Receive<UpdateSuccess>(_ => { });
        Receive<IUpdateFailure>(_ => _published = null);
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
