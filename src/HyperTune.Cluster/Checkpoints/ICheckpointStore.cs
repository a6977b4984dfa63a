namespace HyperTune.Cluster.Checkpoints;

/// <summary>
/// Where workers keep copies of trials' checkpoints at the steps they paused at, for other trials to start from
/// (population-based training's exploits) and for a trial whose node died to resume elsewhere. A copy is a whole
/// checkpoint directory; keeping one under a key replaces what the key held.
/// </summary>
public interface ICheckpointStore
{
    /// <summary>What the store is, for messages ("directory /shared/ckpt", "database").</summary>
    string Describe();

    /// <summary>Keeps a copy of <paramref name="directory"/> under <paramref name="key"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    Task KeepAsync(CheckpointKey key, string directory, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces <paramref name="directory"/> with the copy kept under <paramref name="key"/>; false when none.
    /// </summary>
    Task<bool> RestoreAsync(CheckpointKey key, string directory, CancellationToken cancellationToken);

    /// <summary>
    /// The latest step at or below <paramref name="atMost"/> with a copy of the trial's checkpoint, or null.
    /// </summary>
    Task<long?> LatestAsync(string studyId, string incarnation, int trial, long atMost,
        CancellationToken cancellationToken);

    /// <summary>Deletes the trial's copies kept at steps below <paramref name="step"/>.</summary>
    Task DiscardBeforeAsync(string studyId, string incarnation, int trial, long step,
        CancellationToken cancellationToken);

    /// <summary>
    /// Deletes every copy kept for one incarnation of a study: it finished, so no trial of it resumes or exploits
    /// any more (the trials' own checkpoint directories, which hold their final state, stay).
    /// </summary>
    Task DiscardIncarnationAsync(string studyId, string incarnation, CancellationToken cancellationToken);

    /// <summary>Deletes every copy kept for a study (all its incarnations): the study was deleted.</summary>
    Task DeleteStudyAsync(string studyId, CancellationToken cancellationToken);
}
