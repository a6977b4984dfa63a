namespace HyperTune.Cluster.Views;

/// <summary>
/// Reads the study read model: what a listing, a study page or a dashboard shows, without waking study entities
/// or starting a cluster node. Readers never write.
/// </summary>
public interface IStudyViewReader
{
    /// <summary>Every study's view, newest first.</summary>
    /// <exception cref="StoreUnreadableException">The store cannot be read; the message names it.</exception>
    Task<IReadOnlyList<StudyView>> ListAsync(CancellationToken cancellationToken);

    /// <summary>One study's view, or null when the read model has none.</summary>
    /// <exception cref="StoreUnreadableException">The store cannot be read; the message names it.</exception>
    Task<StudyView?> GetAsync(string studyId, CancellationToken cancellationToken);

    /// <summary>
    /// A study's trials by number; with <paramref name="sinceVersion"/>, only those written after that version
    /// (what a live page needs to catch up).
    /// </summary>
    /// <exception cref="StoreUnreadableException">The store cannot be read; the message names it.</exception>
    Task<IReadOnlyList<TrialView>> TrialsAsync(string studyId, long sinceVersion, CancellationToken cancellationToken);

    /// <summary>
    /// A study's trials by number without their documents (<see cref="TrialView.Document"/> empty): enough to
    /// choose which of a large study's trials to read in full.
    /// </summary>
    /// <exception cref="StoreUnreadableException">The store cannot be read; the message names it.</exception>
    Task<IReadOnlyList<TrialView>> TrialRowsAsync(string studyId, CancellationToken cancellationToken);

    /// <summary>The trials with these numbers, by number (numbers without a trial are left out).</summary>
    /// <exception cref="StoreUnreadableException">The store cannot be read; the message names it.</exception>
    Task<IReadOnlyList<TrialView>> TrialsAsync(string studyId, IReadOnlyCollection<int> numbers,
        CancellationToken cancellationToken);
}
