namespace HyperTune.Cluster.Views;

/// <summary>Writes the study read model: a study coordinator, after its events are persisted, or a rebuild.</summary>
public interface IStudyViewWriter
{
    /// <summary>
    /// Writes a study's view and the views of the trials that changed since the last write, in one transaction,
    /// unless the stored view is already newer (<see cref="StudyView.Version"/>).
    /// </summary>
    Task WriteAsync(StudyView study, IReadOnlyList<TrialView> trials, CancellationToken cancellationToken);

    /// <summary>Removes a deleted study's view and its trials' views.</summary>
    Task DeleteAsync(string studyId, CancellationToken cancellationToken);
}
