using System.Runtime.Serialization;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;
using static HyperTune.Cluster.Studies.StudyEvents;

namespace HyperTune.Cluster.Serialization;

/// <summary>
/// Writes persisted study events as small JSON objects under the stable manifests of
/// <see cref="StudyEventFormats.Current"/>, so renaming or moving an event's C# type never breaks the replay of a
/// journal. Bound in HOCON to <see cref="IStudyEvent"/>. Rows written before it existed carry Hyperion's id
/// (<see cref="HyperionSerializer.SerializerId"/>) and are still read by Hyperion, which stays registered.
/// </summary>
public sealed class StudyEventSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer id written with every row; never change it once data exists.</summary>
    public const int SerializerId = 4712;

    private readonly StudyEventFormats _formats;

    /// <summary>Created by Akka's serialization extension.</summary>
    public StudyEventSerializer(ExtendedActorSystem system) : this(system, StudyEventFormats.Current)
    {
    }

    /// <summary>A serializer over another registry (tests).</summary>
    public StudyEventSerializer(ExtendedActorSystem system, StudyEventFormats formats) : base(system) =>
        _formats = formats;

    /// <inheritdoc />
    public override int Identifier => SerializerId;

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
            format.Write!(new EventJsonWriter(json), (IStudyEvent)obj);
            json.WriteEndObject();
        }
        return stream.ToArray();
    }

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        var format = _formats.ForManifest(manifest)
            ?? throw new SerializationException(
                $"unknown study event manifest '{manifest}': this journal was written by a newer version, or the " +
                $"event's format was removed from {nameof(StudyEventFormats)}");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new SerializationException($"study event '{manifest}' is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new SerializationException($"study event '{manifest}' is not a JSON object");
            return format.Read(new EventJsonReader(document.RootElement, manifest));
        }
    }
}
