using System.Collections.Immutable;
using HyperTune.Cli.Commands;
using HyperTune.Cluster.Studies;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;

namespace HyperTune.Cli.Tests;

/// <summary>What `hypertune trial show` prints about a running trial whose folds run as parts.</summary>
public sealed class TrialShowOutputTests
{
    [Fact]
    public void A_trial_in_parts_shows_how_many_are_done_and_where_the_others_run()
    {
        var trial = new TrialRecord(3, TrialState.Running,
            Configuration.From(new[] { new KeyValuePair<string, object>("lr", 0.1) }))
        {
            Intermediate = ImmutableList.Create(new IntermediateValue(1, 0.9), new IntermediateValue(2, 0.91)),
        };
        var progress = new StudyProgress("cv", "cv", StudyStatus.Running, null, StudyDirection.Maximize, "accuracy",
            10, 2, 0, 0, 0, 1, 0, null, DateTimeOffset.UnixEpoch, null);
        var report = new StudyProtocol.StudyReport(progress, [trial])
        {
            Parts = new Dictionary<int, TrialPartsProgress> { [3] = new(5, 2, ["10.0.0.5:4053#1", "10.0.0.6:4053#2"]) },
        };
        var output = new StringWriter();
        TrialCommand.Write(report, trial, output);
        Assert.Contains("  parts: 2 of 5 done, 2 running on 10.0.0.5:4053, 10.0.0.6:4053", output.ToString());

        output = new StringWriter();
        TrialCommand.Write(report with { Parts = null }, trial, output);
        Assert.DoesNotContain("parts:", output.ToString());
    }
}
