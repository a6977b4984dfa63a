using System.Collections.Immutable;
using HyperTune.Cluster.Studies;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;

namespace HyperTune.Cluster.Tests.Views;

/// <summary>Reports of made-up studies, for read-model tests.</summary>
internal static class ViewFixtures
{
    public static readonly DateTimeOffset Created = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A study with <paramref name="complete"/> complete trials (value = number), then one running.</summary>
    public static StudyProtocol.StudyReport Report(string id, int complete, bool finished = false)
    {
        var trials = Enumerable.Range(0, complete).Select(i => new TrialRecord(i, TrialState.Complete,
                Configuration.From(new Dictionary<string, object> { ["lr"] = 0.5 / (i + 1), ["depth"] = (long)i }))
            {
                Value = 100.0 - i,
                Metrics = ImmutableDictionary<string, double>.Empty.Add("loss", 100.0 - i).Add("acc", i / 100.0),
                Intermediate = ImmutableList.Create(new IntermediateValue(1, 200.0 - i),
                    new IntermediateValue(2, 100.0 - i)),
                StartedAt = Created.AddSeconds(i),
                FinishedAt = Created.AddSeconds(i + 0.5),
            })
            .Append(new TrialRecord(complete, TrialState.Running,
                Configuration.From(new Dictionary<string, object> { ["lr"] = 0.01, ["depth"] = 3L }))
            {
                StartedAt = Created.AddSeconds(complete),
            })
            .ToList();
        var best = complete == 0
            ? null
            : new TrialSummary(complete - 1, 100.0 - (complete - 1), trials[complete - 1].Params);
        var progress = new StudyProgress(id, id, finished ? StudyStatus.Finished : StudyStatus.Running,
            finished ? StudyState.BudgetReached : null, StudyDirection.Minimize, "loss", 50, 2, complete, 0, 0, 1, 0,
            best, Created, finished ? Created.AddMinutes(5) : null)
        {
            Steps = complete * 2,
        };
        return new StudyProtocol.StudyReport(progress, trials)
        {
            RunningOn = new Dictionary<int, string> { [complete] = "node-a" },
            Dispatches = new Dictionary<int, int> { [complete] = 1 },
            Executing = new HashSet<int> { complete },
            CoordinatorNode = "127.0.0.1:4053",
            Rungs = Array.Empty<Core.Schedulers.RungSummary>(),
        };
    }
}
