using System.Text.Json.Nodes;

namespace HyperTune.Cli.Output;

/// <summary>
/// The best trial's hyperparameter schedule under population-based training, from a study document's
/// <c>best.schedule</c>: lines for people, and a spec fragment that trains one model with it from scratch.
/// </summary>
internal static class PopulationScheduleView
{
    /// <summary>The schedule's segments, or null when the document has none.</summary>
    public static JsonArray? ScheduleOf(JsonNode doc) => (doc["best"] as JsonObject)?["schedule"] as JsonArray;

    /// <summary>One line per segment ("steps 13-40: {...}"), or nothing when the document has no schedule.</summary>
    public static IEnumerable<string> Lines(JsonNode doc)
    {
        if (ScheduleOf(doc) is not { Count: > 0 } schedule) yield break;
        yield return $"Its model's schedule through the members it exploited ({schedule.Count} segments; " +
                     $"`hypertune study replay-schedule {(string?)doc["study"]}` trains it again from scratch):";
        for (var i = 0; i < schedule.Count; i++)
        {
            var from = (long)schedule[i]!["afterStep"]! + 1;
            var until = i + 1 < schedule.Count ? $"{(long)schedule[i + 1]!["afterStep"]!}" : "end";
            yield return $"  steps {from}-{until}: {schedule[i]!["params"]!.ToJsonString()}";
        }
    }

    /// <summary>
    /// The spec fragment that replays the schedule: the first segment's configuration as the only trial
    /// (<c>optimizer.initial</c>), the <c>pbt-replay</c> scheduler with the segments, one trial. Merged with the
    /// study's objective, trainable and space it trains the best trial's model again.
    /// </summary>
    /// <exception cref="InvalidOperationException">The document has no schedule.</exception>
    public static JsonObject ReplayFragment(JsonNode doc)
    {
        var schedule = ScheduleOf(doc) is { Count: > 0 } s
            ? s
            : throw new InvalidOperationException(
                $"study '{(string?)doc["study"]}' has no population schedule: its best trial was never exploited " +
                "(only studies with the pbt scheduler have one, once a member was exploited)");
        return new JsonObject
        {
            ["optimizer"] = new JsonObject
            {
                ["type"] = "random",
                ["initial"] = new JsonArray(schedule[0]!["params"]!.DeepClone()),
            },
            ["scheduler"] = new JsonObject
            {
                ["type"] = "pbt-replay",
                ["schedule"] = schedule.DeepClone(),
            },
            ["budget"] = new JsonObject { ["maxTrials"] = 1, ["parallelism"] = 1 },
        };
    }
}
