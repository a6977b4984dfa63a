using Akka.Actor;
using HyperTune.Cluster.Workers;

namespace HyperTune.Cli.Commands.Bench;

/// <summary>
/// Records every change of the node's slot usage as the slot limiter publishes it, with the time it arrived: a
/// second, independent account of how busy the slots were, to check the journal's figure against.
/// </summary>
internal sealed class SlotUsageRecorder : ReceiveActor
{
    private readonly List<(DateTimeOffset At, int Busy)> _changes;

    /// <summary>Props recording into <paramref name="changes"/> (read only after the actor has stopped).</summary>
    public static Props Props(List<(DateTimeOffset At, int Busy)> changes) =>
        Akka.Actor.Props.Create(() => new SlotUsageRecorder(changes));

    /// <summary>Creates the recorder.</summary>
    public SlotUsageRecorder(List<(DateTimeOffset At, int Busy)> changes)
    {
        _changes = changes;
        Receive<WorkerSlots.SlotUsageChanged>(c =>
        {
            lock (_changes) _changes.Add((DateTimeOffset.UtcNow, c.Usage.Busy));
        });
    }

    /// <inheritdoc />
    protected override void PreStart() =>
        Context.System.EventStream.Subscribe(Self, typeof(WorkerSlots.SlotUsageChanged));

    /// <inheritdoc />
    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    /// <summary>
    /// The mean number of busy slots over <paramref name="slots"/> between <paramref name="from"/> and
    /// <paramref name="to"/>, from the recorded changes (the busy count holds until the next change); NaN when the
    /// window is empty.
    /// </summary>
    public static double Utilization(IReadOnlyList<(DateTimeOffset At, int Busy)> changes, int slots,
        DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from) return double.NaN;
        double slotSeconds = 0;
        var busy = 0;
        var at = from;
        foreach (var change in changes.OrderBy(c => c.At))
        {
            if (change.At > at)
            {
                var until = change.At < to ? change.At : to;
                if (until > at) slotSeconds += busy * (until - at).TotalSeconds;
                at = until;
            }
            busy = change.Busy;
        }
        if (to > at) slotSeconds += busy * (to - at).TotalSeconds;
        return slotSeconds / (slots * (to - from).TotalSeconds);
    }
}
