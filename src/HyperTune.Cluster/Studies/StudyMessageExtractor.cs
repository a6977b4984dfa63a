using Akka.Cluster.Sharding;

namespace HyperTune.Cluster.Studies;

/// <summary>Routes study messages to the coordinator whose entity id is the study id.</summary>
public sealed class StudyMessageExtractor(int maxNumberOfShards) : HashCodeMessageExtractor(maxNumberOfShards)
{
    /// <inheritdoc />
    public override string? EntityId(object message) => message switch
    {
        IWithStudyId s => s.StudyId,
        _ => null,
    };
}
