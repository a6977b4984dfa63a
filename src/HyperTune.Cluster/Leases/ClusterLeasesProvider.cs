using Akka.Actor;

namespace HyperTune.Cluster.Leases;

/// <summary>Creates the <see cref="ClusterLeases"/> extension.</summary>
public sealed class ClusterLeasesProvider : ExtensionIdProvider<ClusterLeases>
{
    /// <inheritdoc />
    public override ClusterLeases CreateExtension(ExtendedActorSystem system) => new(system);
}
