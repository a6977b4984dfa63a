using HyperTune.Core.Studies;

namespace HyperTune.Client.Remote;

/// <summary>
/// A trial that is new or changed since the last change a watcher saw: started, reported a step, completed, failed,
/// was pruned or paused.
/// </summary>
/// <param name="StudyId">The study.</param>
/// <param name="State">As the documents spell it: complete, failed, pruned, paused, cancelled, running, queued or
/// waiting.</param>
/// <param name="Trial">The trial as it is now (params, value, metrics, intermediate values, times).</param>
public sealed record TrialChange(string StudyId, string State, TrialRecord Trial);
