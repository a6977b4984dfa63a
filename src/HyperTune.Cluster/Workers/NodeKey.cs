using Akka.Actor;
using Akka.Cluster;

namespace HyperTune.Cluster.Workers;

/// <summary>
/// Identifies one incarnation of a node: <c>host:port#uid</c>. A node restarted on the same address is a new key,
/// so shards of its previous life never capture the new one's trials.
/// </summary>
public static class NodeKey
{
    /// <summary>The key of a cluster member.</summary>
    public static string Of(UniqueAddress node) => $"{node.Address.Host}:{node.Address.Port}#{node.Uid}";

    /// <summary>The <c>host:port</c> part of a key.</summary>
    public static string HostPortOf(string nodeKey)
    {
        var i = nodeKey.IndexOf('#');
        return i < 0 ? nodeKey : nodeKey[..i];
    }

    /// <summary>The <c>host:port</c> of an address.</summary>
    public static string HostPortOf(Address address) => $"{address.Host}:{address.Port}";
}
