using Akka.Cluster.Sharding;

namespace HyperTune.Cluster.Workers;

/// <summary>
/// Routes worker messages by entity id, with the shard chosen by the node key at the front of the id rather than
/// by hash: placement is decided by the coordinator from free slots, and sharding carries it out.
/// </summary>
public sealed class TrialWorkerMessageExtractor : HashCodeMessageExtractor
{
    /// <summary>Creates the extractor; the shard count is unused for placement but kept for sharding's bookkeeping.</summary>
    public TrialWorkerMessageExtractor(int maxNumberOfShards) : base(maxNumberOfShards)
    {
    }

    /// <inheritdoc />
    public override string? EntityId(object message) => message switch
    {
        TrialWorkerProtocol.IWithWorkerId w => w.WorkerId,
        _ => null,
    };

    /// <inheritdoc />
    public override string ShardId(string entityId, object? messageHint = null) => TrialWorkerId.NodeKeyOf(entityId);
}
