using Akka.Actor;
using Akka.Serialization;
using HyperTune.Cluster.Studies;

namespace HyperTune.Cluster.Serialization;

/// <summary>
/// Study snapshots in <see cref="StudySnapshotFormat"/>. Bound in HOCON to <see cref="StudySnapshot"/>; snapshots
/// written before carry Hyperion's id and are still read by it.
/// </summary>
public sealed class StudySnapshotSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer id written with every snapshot; never change it once data exists.</summary>
    public const int SerializerId = 4714;

    /// <summary>Created by Akka's serialization extension.</summary>
    public StudySnapshotSerializer(ExtendedActorSystem system) : base(system)
    {
    }

    /// <inheritdoc />
    public override int Identifier => SerializerId;

    /// <inheritdoc />
    public override string Manifest(object o) => o is StudySnapshot
        ? StudySnapshotFormat.Manifest
        : throw new ArgumentException($"not a study snapshot: {o.GetType()}");

    /// <inheritdoc />
    public override byte[] ToBinary(object obj) => StudySnapshotFormat.Write((StudySnapshot)obj);

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest) => manifest == StudySnapshotFormat.Manifest
        ? StudySnapshotFormat.Read(bytes)
        : throw new System.Runtime.Serialization.SerializationException(
            $"unknown study snapshot manifest '{manifest}': written by a newer version");
}
