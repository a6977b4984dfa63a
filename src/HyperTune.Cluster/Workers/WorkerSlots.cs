using Akka.Actor;
using Akka.Event;

namespace HyperTune.Cluster.Workers;

/// <summary>
/// Limits how many trials run at once on this node (<c>hypertune.worker.slots</c>). Workers ask for a slot and
/// start when granted; requests queue in arrival order; a slot comes back when its worker releases it or stops.
/// </summary>
public sealed class WorkerSlots : ReceiveActor
{
    /// <summary>Asks for a slot for the sender; answered with <see cref="SlotGranted"/> when one is free.</summary>
    public sealed record AcquireSlot;

    /// <summary>The sender may run its trial now.</summary>
    public sealed record SlotGranted;

    /// <summary>Gives the sender's slot back (or drops its queued request).</summary>
    public sealed record ReleaseSlot;

    /// <summary>Asks for <see cref="SlotUsage"/>.</summary>
    public sealed record GetSlotUsage;

    /// <summary>How the node's slots are used.</summary>
    public sealed record SlotUsage(int Capacity, int Busy, int Queued);

    /// <summary>Published on the event stream whenever usage changes (the worker directory spreads it).</summary>
    public sealed record SlotUsageChanged(SlotUsage Usage);

    private readonly int _capacity;
    private readonly HashSet<IActorRef> _holders = new();
    private readonly LinkedList<IActorRef> _queue = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();

    /// <summary>Props for a node with <paramref name="capacity"/> slots.</summary>
    public static Props Props(int capacity) => Akka.Actor.Props.Create(() => new WorkerSlots(capacity));

    /// <summary>Creates the limiter.</summary>
    public WorkerSlots(int capacity)
    {
        _capacity = capacity;
        Receive<AcquireSlot>(_ =>
        {
            if (_holders.Contains(Sender) || _queue.Contains(Sender)) return;
            Context.Watch(Sender);
            _queue.AddLast(Sender);
            Grant();
        });
        Receive<ReleaseSlot>(_ => Release(Sender));
        Receive<Terminated>(t => Release(t.ActorRef));
        Receive<GetSlotUsage>(_ => Sender.Tell(Usage));
    }

    private SlotUsage Usage => new(_capacity, _holders.Count, _queue.Count);

    private void Release(IActorRef worker)
    {
        var changed = _holders.Remove(worker) | _queue.Remove(worker);
        if (!changed) return;
        Context.Unwatch(worker);
        Grant();
    }

    private void Grant()
    {
        while (_holders.Count < _capacity && _queue.First is { } next)
        {
            _queue.RemoveFirst();
            _holders.Add(next.Value);
            next.Value.Tell(new SlotGranted());
        }
        _log.Debug("slots: {0}/{1} busy, {2} queued", _holders.Count, _capacity, _queue.Count);
        Context.System.EventStream.Publish(new SlotUsageChanged(Usage));
    }
}
