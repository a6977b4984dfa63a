using System.Collections.Immutable;
using System.Text.Json.Nodes;
using HyperTune.Cluster.Api;
using HyperTune.Cluster.Studies;
using HyperTune.Core.Optimizers.Evolution;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;

namespace HyperTune.Cli.Tests;

/// <summary>A multi-objective study's document and how study show prints it from a node's answer.</summary>
public class MultiObjectiveOutputTests
{
    private static StudyProtocol.StudyReport Report()
    {
        TrialSummary Member(int n, double loss, double acc) => new(n, loss, Configuration.Empty.With("x", n * 0.5))
        {
            Values = ImmutableDictionary<string, double>.Empty.Add("loss", loss).Add("acc", acc),
        };
        var front = new[] { Member(2, 0.1, 0.8), Member(5, 0.3, 0.95) };
        var progress = new StudyProgress("mo", "mo", StudyStatus.Finished, "trial budget reached", StudyDirection.Minimize, "loss",
            8, 2, 8, 0, 0, 0, 0, front[0], DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch)
        {
            Objectives = new[] { new ObjectiveMetric("loss", StudyDirection.Minimize), new ObjectiveMetric("acc", StudyDirection.Maximize) },
            Constraints = new[] { new MetricConstraint("mb", null, 512) },
            Front = front,
        };
        return new StudyProtocol.StudyReport(progress, null)
        {
            Generations = new[] { new GenerationSummary(0, 4, 4, 0.1, 0.4), new GenerationSummary(1, 4, 4, 0.1, 0.25) },
        };
    }

    [Fact]
    public void The_document_gives_objectives_constraints_the_front_as_best_and_generations()
    {
        var doc = JsonNode.Parse(StudyJson.ToJson(Report(), includeTrials: false))!;
        Assert.Equal(new[] { "loss", "acc" }, doc["objectives"]!.AsArray().Select(o => (string)o!["name"]!));
        Assert.Equal("maximize", (string)doc["objectives"]![1]!["direction"]!);
        Assert.Equal(512, (double)doc["constraints"]![0]!["max"]!);
        var best = doc["best"]!.AsArray();
        Assert.Equal(new[] { 2, 5 }, best.Select(m => (int)m!["number"]!));
        Assert.Equal(0.95, (double)best[1]!["values"]!["acc"]!);
        Assert.Equal(2.5, (double)best[1]!["params"]!["x"]!);
        Assert.Equal(new[] { 0.4, 0.25 }, doc["generations"]!.AsArray().Select(g => (double)g!["mean"]!));
    }

    [Fact]
    public void Study_show_from_a_nodes_document_prints_the_front_and_the_generations()
    {
        var output = new StringWriter();
        Commands.StudyCommand.PrintSummary(JsonNode.Parse(StudyJson.ToJson(Report(), includeTrials: false))!, output);
        var text = output.ToString();
        Assert.Contains("Pareto front (2 trials):", text);
        Assert.Contains("#5: loss = 0.3, acc = 0.95", text);
        Assert.Contains("generations (members, complete, best, mean):", text);
        Assert.Contains("1: 4, 4, 0.1, 0.25", text);
        Assert.DoesNotContain("best trial #", text);
    }
}
