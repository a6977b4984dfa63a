using Akka.Actor;
using static HyperTune.Cluster.Registry.StudyRegistryProtocol;

namespace HyperTune.Cluster.Serialization;

/// <summary>
/// Persisted study-registry events under the stable manifests of <see cref="RegistryEventFormats.Current"/>. Bound
/// in HOCON to <see cref="IRegistryEvent"/>.
/// </summary>
public sealed class RegistryEventSerializer : ManifestEventSerializer<IRegistryEvent>
{
    /// <summary>The serializer id written with every row; never change it once data exists.</summary>
    public const int SerializerId = 4713;

    /// <summary>Created by Akka's serialization extension.</summary>
    public RegistryEventSerializer(ExtendedActorSystem system) : base(system, RegistryEventFormats.Current)
    {
    }

    /// <inheritdoc />
    public override int Identifier => SerializerId;

    /// <inheritdoc />
    protected override string FamilyName => "registry event";
}
