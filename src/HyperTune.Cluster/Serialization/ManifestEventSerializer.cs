using System.Runtime.Serialization;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;

namespace HyperTune.Cluster.Serialization;

/// <summary>
/// Writes persisted events of one family as small JSON objects under the stable manifests of its
/// <see cref="EventFormats{TEvent}"/>, so renaming or moving an event's C# type never breaks the replay of a journal.
/// Rows written before a family had one carry Hyperion's id (<see cref="HyperionSerializer.SerializerId"/>) and are
/// still read by Hyperion, which stays registered.
/// </summary>
/// <typeparam name="TEvent">The family's marker interface, which HOCON binds to the concrete serializer.</typeparam>
public abstract class ManifestEventSerializer<TEvent> : SerializerWithStringManifest where TEvent : class
{
    private readonly EventFormats<TEvent> _formats;

    /// <summary>A serializer over a family's formats.</summary>
    protected ManifestEventSerializer(ExtendedActorSystem system, EventFormats<TEvent> formats) : base(system) =>
        _formats = formats;

    /// <summary>What the family is called in error messages ("study event").</summary>
    protected abstract string FamilyName { get; }

    /// <inheritdoc />
    public override string Manifest(object o) => _formats.ForType(o.GetType()).Manifest;

    /// <inheritdoc />
    public override byte[] ToBinary(object obj)
    {
        var format = _formats.ForType(obj.GetType());
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            format.Write!(new EventJsonWriter(json), (TEvent)obj);
            json.WriteEndObject();
        }
        return stream.ToArray();
    }

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        var format = _formats.ForManifest(manifest)
            ?? throw new SerializationException(
                $"unknown {FamilyName} manifest '{manifest}': this journal was written by a newer version, or the " +
                "event's format was removed from its formats table");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new SerializationException($"{FamilyName} '{manifest}' is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new SerializationException($"{FamilyName} '{manifest}' is not a JSON object");
            return format.Read(new EventJsonReader(document.RootElement, manifest));
        }
    }
}
