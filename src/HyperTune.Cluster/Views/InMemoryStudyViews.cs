using System.Collections.Concurrent;

namespace HyperTune.Cluster.Views;

/// <summary>The read model of an in-memory store (gone with the process), also what tests stand in with.</summary>
public sealed class InMemoryStudyViews : IStudyViewReader, IStudyViewWriter
{
    private readonly ConcurrentDictionary<string, StudyView> _studies = new();
    private readonly ConcurrentDictionary<(string, int), TrialView> _trials = new();
    private readonly object _writeLock = new();

    /// <inheritdoc />
    public Task<IReadOnlyList<StudyView>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StudyView>>(_studies.Values.OrderByDescending(s => s.CreatedAt)
            .ThenBy(s => s.StudyId, StringComparer.Ordinal).ToList());

    /// <inheritdoc />
    public Task<StudyView?> GetAsync(string studyId, CancellationToken cancellationToken) =>
        Task.FromResult(_studies.TryGetValue(studyId, out var view) ? view : null);

    /// <inheritdoc />
    public Task<IReadOnlyList<TrialView>> TrialsAsync(string studyId, long sinceVersion,
        CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<TrialView>>(_trials.Values
            .Where(t => t.StudyId == studyId && t.Version > sinceVersion).OrderBy(t => t.Number).ToList());

    /// <inheritdoc />
    public Task<IReadOnlyList<TrialView>> TrialRowsAsync(string studyId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<TrialView>>(_trials.Values.Where(t => t.StudyId == studyId)
            .OrderBy(t => t.Number).Select(t => t with { Document = "" }).ToList());

    /// <inheritdoc />
    public Task<IReadOnlyList<TrialView>> TrialsAsync(string studyId, IReadOnlyCollection<int> numbers,
        CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<TrialView>>(numbers.Distinct().Order()
            .Select(n => _trials.TryGetValue((studyId, n), out var t) ? t : null).OfType<TrialView>().ToList());

    /// <inheritdoc />
    public Task WriteAsync(StudyView study, IReadOnlyList<TrialView> trials, CancellationToken cancellationToken)
    {
        lock (_writeLock)
        {
            if (_studies.TryGetValue(study.StudyId, out var stored) && stored.Version > study.Version)
                return Task.CompletedTask;
            _studies[study.StudyId] = study;
            foreach (var t in trials) _trials[(t.StudyId, t.Number)] = t;
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task DeleteAsync(string studyId, CancellationToken cancellationToken)
    {
        lock (_writeLock)
        {
            _studies.TryRemove(studyId, out _);
            foreach (var key in _trials.Keys.Where(k => k.Item1 == studyId).ToList()) _trials.TryRemove(key, out _);
        }
        return Task.CompletedTask;
    }
}
