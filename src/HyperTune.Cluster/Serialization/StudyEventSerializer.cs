using Akka.Actor;
using static HyperTune.Cluster.Studies.StudyEvents;

namespace HyperTune.Cluster.Serialization;

/// <summary>
/// Persisted study events under the stable manifests of <see cref="StudyEventFormats.Current"/>. Bound in HOCON to
/// <see cref="IStudyEvent"/>.
/// </summary>
public sealed class StudyEventSerializer : ManifestEventSerializer<IStudyEvent>
{
    /// <summary>The serializer id written with every row; never change it once data exists.</summary>
    public const int SerializerId = 4712;

    /// <summary>Created by Akka's serialization extension.</summary>
    public StudyEventSerializer(ExtendedActorSystem system) : this(system, StudyEventFormats.Current)
    {
    }

    /// <summary>A serializer over another table (tests).</summary>
    public StudyEventSerializer(ExtendedActorSystem system, EventFormats<IStudyEvent> formats) : base(system, formats)
    {
    }

    /// <inheritdoc />
    public override int Identifier => SerializerId;

    /// <inheritdoc />
    protected override string FamilyName => "study event";
}
