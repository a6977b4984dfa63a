using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;

namespace HyperTune.Cluster.Workers;

/// <summary>
/// Limits how many trials run at once on this node (<c>hypertune.worker.slots</c>). Workers ask for a slot and
/// start when granted; requests queue in arrival order; a slot comes back when its worker releases it or stops.
/// </summary>
public sealed class WorkerSlots : ReceiveActor
{
    /// <summary>Asks for a slot for the sender (a trial of <see cref="StudyId"/>); answered with <see cref="SlotGranted"/> when one is free.</summary>
    public sealed record AcquireSlot(string StudyId);

    /// <summary>The sender may run its trial now.</summary>
    public sealed record SlotGranted;

    /// <summary>
    /// No slot is free: the sender's request waits in the queue (<see cref="SlotGranted"/> follows when one frees).
    /// Its worker then tells the coordinator it has the trial, which it need not do for a trial that starts at once.
    /// </summary>
    public sealed record SlotQueued;

    /// <summary>Gives the sender's slot back (or drops its queued request).</summary>
    public sealed record ReleaseSlot;

    /// <summary>Asks for <see cref="SlotUsage"/>.</summary>
    public sealed record GetSlotUsage;

    /// <summary>How the node's slots are used, and by which studies.</summary>
    public sealed record SlotUsage(int Capacity, int Busy, int Queued)
    {
        /// <summary>Running trials per study.</summary>
        public ImmutableSortedDictionary<string, int> BusyByStudy { get; init; } = ImmutableSortedDictionary<string, int>.Empty;
    }

    /// <summary>Published on the event stream whenever usage changes (the worker directory spreads it).</summary>
    public sealed record SlotUsageChanged(SlotUsage Usage);

    private readonly int _capacity;
    private readonly Dictionary<IActorRef, string> _holders = new();
    // Running trials per study, kept as slots are granted and released: usage is published on every change (each
    // trial's start and end), so it is not counted again from the holders each time.
    private ImmutableSortedDictionary<string, int> _busyByStudy =
        ImmutableSortedDictionary<string, int>.Empty.WithComparers(StringComparer.Ordinal);
    private readonly LinkedList<(IActorRef Worker, string StudyId)> _queue = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();

    /// <summary>Props for a node with <paramref name="capacity"/> slots.</summary>
    public static Props Props(int capacity) => Akka.Actor.Props.Create(() => new WorkerSlots(capacity));

    /// <summary>Creates the limiter.</summary>
    public WorkerSlots(int capacity)
    {
        _capacity = capacity;
        Receive<AcquireSlot>(a =>
        {
            if (_holders.ContainsKey(Sender) || _queue.Any(q => q.Worker.Equals(Sender))) return;
            Context.Watch(Sender);
            _queue.AddLast((Sender, a.StudyId));
            Grant();
            if (!_holders.ContainsKey(Sender)) Sender.Tell(new SlotQueued());
        });
        Receive<ReleaseSlot>(_ => Release(Sender));
        Receive<Terminated>(t => Release(t.ActorRef));
        Receive<GetSlotUsage>(_ => Sender.Tell(Usage));
    }

    private SlotUsage Usage => new(_capacity, _holders.Count, _queue.Count) { BusyByStudy = _busyByStudy };

    private void Release(IActorRef worker)
    {
        var queued = _queue.FirstOrDefault(q => q.Worker.Equals(worker));
        var held = _holders.Remove(worker, out var study);
        if (held) CountBusy(study!, -1);
        var changed = held | (queued.Worker is not null && _queue.Remove(queued));
        if (!changed) return;
        Context.Unwatch(worker);
        Grant();
    }

    private void CountBusy(string studyId, int change)
    {
        var busy = _busyByStudy.GetValueOrDefault(studyId) + change;
        _busyByStudy = busy == 0 ? _busyByStudy.Remove(studyId) : _busyByStudy.SetItem(studyId, busy);
    }

    private void Grant()
    {
        while (_holders.Count < _capacity && _queue.First is { } next)
        {
            _queue.RemoveFirst();
            _holders[next.Value.Worker] = next.Value.StudyId;
            CountBusy(next.Value.StudyId, +1);
            next.Value.Worker.Tell(new SlotGranted());
        }
        _log.Debug("slots: {0}/{1} busy, {2} queued", _holders.Count, _capacity, _queue.Count);
        Context.System.EventStream.Publish(new SlotUsageChanged(Usage));
    }
}
