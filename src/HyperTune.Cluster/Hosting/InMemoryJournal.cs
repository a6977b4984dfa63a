using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;

namespace HyperTune.Cluster.Hosting;

/// <summary>
/// The journal of a node whose storage is <c>memory</c>: each persistence id's events in a list, in sequence order.
/// Akka's own in-memory journal is made for tests: it keeps every event twice in immutable lists (one per id and one
/// for queries across ids) and never frees a deleted one, which made its writes about a sixth of a trivial study's
/// CPU time. Nothing here is durable: the events live as long as the process.
/// </summary>
public sealed class InMemoryJournal : AsyncWriteJournal
{
    /// <summary>The plugin's config path.</summary>
    public const string PluginId = "hypertune.persistence.journal.memory";

    /// <summary>The plugin's HOCON (its class and dispatcher).</summary>
    public static readonly string Hocon = $$"""
        {{PluginId}} {
          class = "{{typeof(InMemoryJournal).AssemblyQualifiedName}}"
          plugin-dispatcher = "akka.actor.default-dispatcher"
        }
        """;

    private sealed class EventStream
    {
        // In sequence order; events deleted from the front are removed.
        public readonly List<IPersistentRepresentation> Events = new();
        // Kept apart from the list: the highest number stays known after every event is deleted.
        public long Highest;
    }

    private readonly Dictionary<string, EventStream> _streams = new(StringComparer.Ordinal);
    // Replays run on the thread pool while writes go on: one lock keeps them apart.
    private readonly object _gate = new();

    /// <inheritdoc />
    protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages,
        CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow.Ticks;
        lock (_gate)
        {
            foreach (var write in messages)
            foreach (var e in (IEnumerable<IPersistentRepresentation>)write.Payload)
            {
                var stream = StreamOf(e.PersistenceId);
                stream.Events.Add(e.WithTimestamp(now));
                stream.Highest = Math.Max(stream.Highest, e.SequenceNr);
            }
        }
        // Null: every write succeeded.
        return Task.FromResult<IImmutableList<Exception>>(null!);
    }

    /// <inheritdoc />
    public override Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr,
        CancellationToken cancellationToken)
    {
        lock (_gate)
            return Task.FromResult(_streams.TryGetValue(persistenceId, out var stream) ? stream.Highest : 0L);
    }

    /// <inheritdoc />
    public override Task ReplayMessagesAsync(IActorContext context, string persistenceId, long fromSequenceNr,
        long toSequenceNr, long max, Action<IPersistentRepresentation> recoveryCallback)
    {
        IPersistentRepresentation[] replayed;
        lock (_gate)
        {
            if (!_streams.TryGetValue(persistenceId, out var stream)) return Task.CompletedTask;
            var events = stream.Events;
            var from = FirstAtOrAfter(events, fromSequenceNr);
            var count = 0;
            while (from + count < events.Count && events[from + count].SequenceNr <= toSequenceNr && count < max)
                count++;
            replayed = events.GetRange(from, count).ToArray();
        }
        // Outside the lock: the callback sends to the recovering actor, and writes need not wait for that.
        foreach (var e in replayed) recoveryCallback(e);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr,
        CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_streams.TryGetValue(persistenceId, out var stream))
                stream.Events.RemoveRange(0, FirstAtOrAfter(stream.Events, toSequenceNr + 1));
        }
        return Task.CompletedTask;
    }

    private EventStream StreamOf(string persistenceId)
    {
        if (!_streams.TryGetValue(persistenceId, out var stream))
            _streams[persistenceId] = stream = new EventStream();
        return stream;
    }

    /// <summary>The index of the first event numbered <paramref name="sequenceNr"/> or later (binary search).</summary>
    private static int FirstAtOrAfter(List<IPersistentRepresentation> events, long sequenceNr)
    {
        int low = 0, high = events.Count;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (events[mid].SequenceNr < sequenceNr) low = mid + 1;
            else high = mid;
        }
        return low;
    }
}
