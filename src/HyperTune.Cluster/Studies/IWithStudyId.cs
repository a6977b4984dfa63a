namespace HyperTune.Cluster.Studies;

/// <summary>Every message for a study coordinator carries the study id, which is the coordinator's entity id.</summary>
public interface IWithStudyId
{
    /// <summary>The study the message is for.</summary>
    string StudyId { get; }
}
