using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;

namespace HyperTune.Cluster.Workers;

/// <summary>
/// Allocates each trial-worker shard (named by a node key) to the region on that node, so a trial runs where its
/// coordinator placed it. When that node is gone (it crashed, left, or restarted as a new incarnation) the shard
/// goes to the region holding the fewest shards, so a re-sent trial still runs. Worker shards are never
/// rebalanced: moving one would interrupt the trials running in it.
/// </summary>
public sealed class NodeAffinityAllocationStrategy : IShardAllocationStrategy
{
    private readonly Akka.Cluster.Cluster _cluster;

    /// <summary>Creates the strategy for a node's cluster.</summary>
    public NodeAffinityAllocationStrategy(ActorSystem system) => _cluster = Akka.Cluster.Cluster.Get(system);

    /// <inheritdoc />
    public Task<IActorRef> AllocateShard(IActorRef requester, string shardId, IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations)
    {
        var target = NodeKey.HostPortOf(shardId);
        var member = _cluster.State.Members.FirstOrDefault(m => m.Status == MemberStatus.Up && NodeKey.Of(m.UniqueAddress) == shardId);
        if (member is not null)
        {
            foreach (var region in currentShardAllocations.Keys)
                if (NodeKey.HostPortOf(AddressOf(region)) == target)
                    return Task.FromResult(region);
        }
        var fallback = currentShardAllocations
            .OrderBy(kv => kv.Value.Count)
            .ThenBy(kv => AddressOf(kv.Key).ToString(), StringComparer.Ordinal)
            .Select(kv => kv.Key)
            .FirstOrDefault() ?? requester;
        return Task.FromResult(fallback);
    }

    /// <inheritdoc />
    public Task<IImmutableSet<string>> Rebalance(IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations, IImmutableSet<string> rebalanceInProgress) =>
        Task.FromResult<IImmutableSet<string>>(ImmutableHashSet<string>.Empty);

    // A local region's path has no host: it is this node.
    private Address AddressOf(IActorRef region) => region.Path.Address.HasLocalScope ? _cluster.SelfAddress : region.Path.Address;
}
