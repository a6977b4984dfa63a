namespace HyperTune.Cluster.Serialization;

/// <summary>
/// How one persisted event type is stored: its stable manifest and its field mapping. <see cref="Write"/> is null
/// for an older version of an event that is still read from existing journals but no longer written.
/// </summary>
/// <typeparam name="TEvent">The family of events (study events, registry events).</typeparam>
/// <param name="Manifest">The stable name written with every row, e.g. <c>trial-started.v1</c>.</param>
/// <param name="EventType">The CLR type read back; it may be renamed or moved freely.</param>
/// <param name="Write">Writes the event's fields.</param>
/// <param name="Read">Builds the event from its fields.</param>
public sealed record EventFormat<TEvent>(
    string Manifest,
    Type EventType,
    Action<EventJsonWriter, TEvent>? Write,
    Func<EventJsonReader, TEvent> Read)
    where TEvent : class;
