using System.Text.Json;
using System.Text.Json.Nodes;
using HyperTune.Cluster.Api;
using HyperTune.Cluster.Studies;
using HyperTune.Core.Schedulers;

namespace HyperTune.Cli.Output;

/// <summary>
/// The <c>--json</c> document of <c>run</c> and <c>study show</c>: the study document of <see cref="StudyJson"/>
/// plus what early stopping adds: <c>trials.paused</c>, <c>steps</c> (training steps spent), per trial
/// <c>stopAtStep</c> (where its current run pauses by itself), and <c>rungs</c> (one object per bracket and rung:
/// <c>bracket</c>, <c>rung</c>, <c>step</c>, <c>trials</c>, <c>promoted</c>, <c>bestValue</c>). Fields the
/// study document already has are left as they are.
/// </summary>
internal static class StudyOutputJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>
    /// Writes the document; <paramref name="rungs"/> null (the scheduler is not known) leaves <c>rungs</c> out, empty
    /// writes an empty array (a scheduler without rungs).
    /// </summary>
    public static string ToJson(StudyProtocol.StudyReport report, bool includeTrials, IReadOnlyList<RungSummary>? rungs)
    {
        var p = report.Progress;
        var doc = JsonNode.Parse(StudyJson.ToJson(report, includeTrials))!.AsObject();
        var counts = doc["trials"]!.AsObject();
        if (!counts.ContainsKey("paused")) counts["paused"] = p.Paused;
        if (!doc.ContainsKey("steps")) InsertAfter(doc, "trials", "steps", p.Steps);

        if (doc["trialList"] is JsonArray list && report.Trials is { } trials)
        {
            var byNumber = trials.ToDictionary(t => t.Number);
            foreach (var node in list.OfType<JsonObject>())
            {
                if (byNumber.TryGetValue((int)node["number"]!, out var t) && t.StopAtStep is { } stop &&
                    !node.ContainsKey("stopAtStep"))
                    node["stopAtStep"] = stop;
            }
        }

        if (rungs is not null && !doc.ContainsKey("rungs"))
        {
            var array = new JsonArray();
            foreach (var r in rungs.OrderBy(r => r.Bracket).ThenBy(r => r.Rung))
            {
                array.Add(new JsonObject
                {
                    ["bracket"] = r.Bracket,
                    ["rung"] = r.Rung,
                    ["step"] = r.Step,
                    ["trials"] = r.Trials,
                    ["promoted"] = r.Promoted,
                    ["bestValue"] = r.BestValue is { } best && double.IsFinite(best) ? JsonValue.Create(best) : null,
                });
            }
            // Before the (long) trial list, so a reader sees the rungs next to the counts.
            if (doc.ContainsKey("trialList")) doc.Insert(doc.IndexOf("trialList"), "rungs", array);
            else doc["rungs"] = array;
        }
        return doc.ToJsonString(Indented);
    }

    private static void InsertAfter(JsonObject doc, string after, string name, JsonNode? value)
    {
        var index = doc.IndexOf(after);
        if (index < 0) doc[name] = value;
        else doc.Insert(index + 1, name, value);
    }
}
