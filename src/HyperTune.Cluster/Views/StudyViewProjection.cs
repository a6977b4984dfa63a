using HyperTune.Cluster.Api;
using HyperTune.Cluster.Studies;
using HyperTune.Core.Studies;

namespace HyperTune.Cluster.Views;

/// <summary>Turns a coordinator's report into read-model rows: the same documents as the HTTP API gives.</summary>
public static class StudyViewProjection
{
    /// <summary>The study's row, from a report (its trial list, if any, is left out of the document).</summary>
    public static StudyView Study(StudyProtocol.StudyReport report, long version, DateTimeOffset now)
    {
        var p = report.Progress;
        return new StudyView(p.StudyId, p.Name, StudyJson.StatusOf(p), p.CreatedAt, now, version,
            StudyJson.ToJson(report, includeTrials: false, indented: false));
    }

    /// <summary>The rows of <paramref name="trials"/>, from a report that carries the trials' bookkeeping.</summary>
    public static IReadOnlyList<TrialView> Trials(StudyProtocol.StudyReport report, IEnumerable<TrialRecord> trials,
        long version) =>
        trials.Select(t =>
        {
            var queued = t.State == TrialState.Running && report.Executing is { } executing
                         && !executing.Contains(t.Number);
            return new TrialView(report.Progress.StudyId, t.Number,
                queued ? "queued" : t.State.ToString().ToLowerInvariant(), t.Value, version,
                StudyJson.TrialToJson(report, t));
        }).ToList();
}
