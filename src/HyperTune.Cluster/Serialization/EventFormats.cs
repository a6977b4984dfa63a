using System.Text.RegularExpressions;

namespace HyperTune.Cluster.Serialization;

/// <summary>
/// A registry of event formats: which manifest each event of a family is written under and how its fields map to
/// JSON. Such a table, not the C# type names, is a journal's contract. Adding an event is one <see cref="Add{T}"/>
/// entry; changing an event's fields incompatibly means a new manifest version (<c>.v2</c>) for the writer and the
/// old one kept with <see cref="Reads{T}"/>. The families: <see cref="StudyEventFormats"/>,
/// <see cref="RegistryEventFormats"/>.
/// </summary>
/// <typeparam name="TEvent">The family's marker interface.</typeparam>
public sealed partial class EventFormats<TEvent> where TEvent : class
{
    private readonly Dictionary<string, EventFormat<TEvent>> _byManifest = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, EventFormat<TEvent>> _byType = new();

    /// <summary>Every registered format (written and read-only ones).</summary>
    public IReadOnlyCollection<EventFormat<TEvent>> All => _byManifest.Values;

    /// <summary>Registers the format <typeparamref name="T"/> is written and read in.</summary>
    public EventFormats<TEvent> Add<T>(string manifest, Action<EventJsonWriter, T> write, Func<EventJsonReader, T> read)
        where T : class, TEvent
    {
        var format = Register<T>(manifest, (w, e) => write(w, (T)e), read);
        if (!_byType.TryAdd(typeof(T), format))
            throw new ArgumentException($"{typeof(T).Name} is written under '{_byType[typeof(T)].Manifest}' already");
        return this;
    }

    /// <summary>Registers an older manifest of an event that is still read but no longer written.</summary>
    public EventFormats<TEvent> Reads<T>(string manifest, Func<EventJsonReader, T> read) where T : class, TEvent
    {
        Register<T>(manifest, null, read);
        return this;
    }

    /// <summary>The format an event is written in.</summary>
    /// <exception cref="ArgumentException">The event's type has no format in the registry.</exception>
    public EventFormat<TEvent> ForType(Type type) => _byType.TryGetValue(type, out var format)
        ? format
        : throw new ArgumentException(
            $"event type {type.FullName} has no manifest: register it in the {typeof(TEvent).Name} formats");

    /// <summary>The format a manifest names, or null when it names none.</summary>
    public EventFormat<TEvent>? ForManifest(string manifest) => _byManifest.GetValueOrDefault(manifest);

    private EventFormat<TEvent> Register<T>(string manifest, Action<EventJsonWriter, TEvent>? write,
        Func<EventJsonReader, T> read) where T : class, TEvent
    {
        if (!ManifestPattern().IsMatch(manifest))
            throw new ArgumentException($"manifest '{manifest}' should look like 'trial-started.v1'");
        var format = new EventFormat<TEvent>(manifest, typeof(T), write, r => read(r));
        if (!_byManifest.TryAdd(manifest, format))
            throw new ArgumentException($"manifest '{manifest}' is registered twice");
        return format;
    }

    [GeneratedRegex(@"^[a-z][a-z0-9-]*\.v[1-9][0-9]*$")]
    private static partial Regex ManifestPattern();
}
