using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using Akka.Util;
using Hyperion;

namespace HyperTune.Cluster.Serialization;

/// <summary>
/// Serializes remote messages and persisted events with Hyperion. A thin adapter over Hyperion's serializer (the
/// Akka.Serialization.Hyperion package is not available to us): it keeps <see cref="IActorRef"/> and other
/// <see cref="ISurrogated"/> Akka types working across nodes by swapping them for their surrogates (an actor path
/// resolved on the receiving side), and refuses types Hyperion considers unsafe to deserialize (process starters,
/// file-system handles and the like) so a crafted payload cannot instantiate them.
/// Bound in HOCON: <c>serializers.hyperion</c> and <c>serialization-bindings { "System.Object" = hyperion }</c>.
/// </summary>
public sealed class HyperionSerializer : Akka.Serialization.Serializer
{
    /// <summary>The serializer id written with every payload; never change it once data exists.</summary>
    public const int SerializerId = 4711;

    private readonly Hyperion.Serializer _serializer;

    /// <summary>Created by Akka's serialization extension.</summary>
    public HyperionSerializer(ExtendedActorSystem system) : this(system, ConfigurationFactory.Empty)
    {
    }

    /// <summary>Created by Akka's serialization extension with the serializer's own config section.</summary>
    public HyperionSerializer(ExtendedActorSystem system, Config config) : base(system)
    {
        var surrogate = Surrogate.Create<ISurrogated, ISurrogate>(
            from => from.ToSurrogate(system),
            to => to.FromSurrogate(system));
        var options = new SerializerOptions(
            versionTolerance: true,
            preserveObjectReferences: true,
            surrogates: new[] { surrogate },
            serializerFactories: null,
            knownTypes: null,
            ignoreISerializable: true,
            packageNameOverrides: null,
            disallowUnsafeTypes: true,
            // No allow-list beyond Hyperion's own unsafe-type block: events and messages are many record types.
            typeFilter: DisabledTypeFilter.Instance);
        _serializer = new Hyperion.Serializer(options);
    }

    /// <inheritdoc />
    public override int Identifier => SerializerId;

    /// <summary>Hyperion writes the type into the payload itself.</summary>
    public override bool IncludeManifest => false;

    /// <inheritdoc />
    public override byte[] ToBinary(object obj)
    {
        using var stream = new MemoryStream();
        _serializer.Serialize(obj, stream);
        return stream.ToArray();
    }

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, Type type)
    {
        using var stream = new MemoryStream(bytes);
        return _serializer.Deserialize(stream);
    }
}
