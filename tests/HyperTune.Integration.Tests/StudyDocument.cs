using System.Text.Json.Nodes;

namespace HyperTune.Integration.Tests;

/// <summary>Reading the JSON study documents the HTTP API returns.</summary>
public static class StudyDocument
{
    public static int Complete(JsonNode doc) => (int)doc["trials"]!["complete"]!;

    public static bool Finished(JsonNode doc) => (string?)doc["status"] == "finished";

    public static JsonArray Trials(JsonNode doc) => doc["trialList"]!.AsArray();

    /// <summary>Completed trial values by number.</summary>
    public static Dictionary<int, double> CompletedValues(JsonNode doc) =>
        Trials(doc).Where(t => (string?)t!["state"] == "complete").ToDictionary(t => (int)t!["number"]!, t => (double)t!["value"]!);

    /// <summary>Numbers of the trials running on a node (by its cluster port).</summary>
    public static int[] RunningOn(JsonNode doc, int port) =>
        Trials(doc).Where(t => (string?)t!["state"] == "running" && ((string?)t["node"])?.Contains($":{port}#", StringComparison.Ordinal) == true)
            .Select(t => (int)t!["number"]!).ToArray();

    /// <summary>The latest step a trial reported, or 0 before its first report.</summary>
    public static long LastStep(JsonNode doc, int number) =>
        (long?)Trials(doc).Single(t => (int)t!["number"]! == number)!["lastStep"] ?? 0;

    /// <summary>A branin study with simulated training time.</summary>
    public static string Spec(string name, int trials, int parallelism, string trainingTime) => $$"""
        {
          "name": "{{name}}",
          "objective": { "metric": "value", "direction": "minimize" },
          "trainable": { "type": "function", "function": "branin", "simulatedTrainingTime": "{{trainingTime}}" },
          "space": [ { "name": "x", "type": "float", "low": -5, "high": 10 }, { "name": "y", "type": "float", "low": 0, "high": 15 } ],
          "optimizer": { "type": "random", "seed": 11 },
          "budget": { "maxTrials": {{trials}}, "parallelism": {{parallelism}} }
        }
        """;

    /// <summary>Checks a finished study: every number once and complete, earlier results kept, best = best recorded.</summary>
    public static void AssertIntact(JsonNode final, int trials, params Dictionary<int, double>[] earlier)
    {
        Assert.True(Finished(final), final.ToJsonString());
        var list = Trials(final);
        Assert.Equal(Enumerable.Range(0, trials), list.Select(t => (int)t!["number"]!).Order());
        Assert.All(list, t => Assert.Equal("complete", (string?)t!["state"]));
        Assert.Equal(trials, Complete(final));
        var values = CompletedValues(final);
        foreach (var snapshot in earlier)
            foreach (var (number, value) in snapshot)
                Assert.Equal(value, values[number]);
        var best = values.MinBy(kv => kv.Value);
        Assert.Equal(best.Value, (double)final["best"]!["value"]!);
        Assert.Equal(best.Key, (int)final["best"]!["number"]!);
    }
}
