using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using HyperTune.Cluster.Studies;
using HyperTune.Core.Optimizers.Evolution;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Schedulers.Population;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;

namespace HyperTune.Cluster.Api;

/// <summary>
/// Reads the documents <see cref="StudyJson"/> writes back into a report: what the CLI shows from the read model
/// is then the same as what it shows from a coordinator's answer.
/// </summary>
/// <remarks>
/// Parameter values come back as JSON typed them: whole numbers as <see cref="long"/>, others as
/// <see cref="double"/>, so a float parameter that happened to be whole reads as an integer. Reports read this way
/// are for showing, not for feeding an optimizer.
/// </remarks>
public static class StudyDocumentReader
{
    /// <summary>
    /// A report from a study document and its trials' documents (entries of <c>trialList</c>; null: the document's
    /// own <c>trialList</c>, if it has one).
    /// </summary>
    /// <exception cref="JsonException">A document is not one <see cref="StudyJson"/> writes.</exception>
    public static StudyProtocol.StudyReport Read(string studyDocument, IEnumerable<string>? trialDocuments)
    {
        using var doc = JsonDocument.Parse(studyDocument);
        var root = doc.RootElement;
        try
        {
            return Read(root, trialDocuments);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new JsonException($"not a study document: {e.Message}", e);
        }
    }

    /// <summary>A study document's <c>refit</c> (a node's; <c>hypertune run</c>'s record has no status).</summary>
    private static StudyRefit Refit(JsonElement e)
    {
        var status = Enum.TryParse<RefitStatus>(e.GetProperty("status").GetString(), ignoreCase: true, out var s)
            ? s : throw new JsonException($"unknown refit status '{e.GetProperty("status").GetString()}'");
        return new StudyRefit(e.GetProperty("trial").GetInt32(), status, OptionalInt(e, "dispatch"),
            e.TryGetProperty("node", out var node) ? node.GetString() : null,
            OptionalTime(e, "requestedAt") ?? DateTimeOffset.MinValue)
        {
            Reason = e.TryGetProperty("reason", out var reason) ? reason.GetString() ?? "" : "",
            FailedAttempts = OptionalInt(e, "failedAttempts"),
            FailureReason = e.TryGetProperty("failureReason", out var f) ? f.GetString() : null,
            TrainRows = OptionalInt(e, "trainRows"),
            TestRows = OptionalInt(e, "testRows"),
            TestMetrics = e.TryGetProperty("test", out var test)
                ? test.EnumerateObject().ToImmutableDictionary(m => m.Name, m => m.Value.GetDouble())
                : ImmutableDictionary<string, double>.Empty,
            ModelPath = e.TryGetProperty("modelPath", out var model) ? model.GetString() : null,
            FinishedAt = OptionalTime(e, "finishedAt"),
            FailedNodes = e.TryGetProperty("failedNodes", out var failed)
                ? failed.EnumerateArray().Select(n => n.GetString()!).ToImmutableSortedSet(StringComparer.Ordinal)
                : ImmutableSortedSet<string>.Empty,
        };
    }

    private static StudyProtocol.StudyReport Read(JsonElement root, IEnumerable<string>? trialDocuments)
    {
        var counts = root.GetProperty("trials");
        var objectives = root.TryGetProperty("objectives", out var o)
            ? o.EnumerateArray().Select(m => new ObjectiveMetric(m.GetProperty("name").GetString()!,
                Direction(m.GetProperty("direction").GetString()))).ToList()
            : null;
        var constraints = root.TryGetProperty("constraints", out var c)
            ? c.EnumerateArray().Select(m => new MetricConstraint(m.GetProperty("metric").GetString()!,
                OptionalDouble(m, "min"), OptionalDouble(m, "max"))).ToList()
            : null;
        TrialSummary? best = null;
        List<TrialSummary>? front = null;
        IReadOnlyList<ScheduleSegment>? schedule = null;
        if (root.TryGetProperty("best", out var b) && b.ValueKind == JsonValueKind.Object)
        {
            best = new TrialSummary(b.GetProperty("number").GetInt32(), b.GetProperty("value").GetDouble(),
                Params(b.GetProperty("params")));
            if (b.TryGetProperty("schedule", out var s))
                schedule = s.EnumerateArray().Select(x => new ScheduleSegment(x.GetProperty("afterStep").GetInt64(),
                    Params(x.GetProperty("params")))).ToList();
        }
        else if (b.ValueKind == JsonValueKind.Array)
        {
            front = b.EnumerateArray().Select(m =>
            {
                var values = m.GetProperty("values").EnumerateObject()
                    .ToImmutableDictionary(v => v.Name, v => v.Value.GetDouble());
                var first = objectives is { Count: > 0 } && values.TryGetValue(objectives[0].Name, out var v0) ? v0 : 0;
                return new TrialSummary(m.GetProperty("number").GetInt32(), first, Params(m.GetProperty("params")))
                {
                    Values = values,
                };
            }).ToList();
        }
        var progress = new StudyProgress(
            root.GetProperty("study").GetString()!,
            root.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "",
            root.GetProperty("status").GetString() == "finished" ? StudyStatus.Finished : StudyStatus.Running,
            root.TryGetProperty("reason", out var r) ? r.GetString() : null,
            Direction(root.GetProperty("direction").GetString()),
            root.GetProperty("metric").GetString()!,
            root.GetProperty("maxTrials").GetInt32(),
            root.GetProperty("parallelism").GetInt32(),
            counts.GetProperty("complete").GetInt32(),
            counts.GetProperty("failed").GetInt32(),
            counts.GetProperty("pruned").GetInt32(),
            counts.GetProperty("running").GetInt32(),
            counts.GetProperty("waiting").GetInt32(),
            best,
            OptionalTime(root, "createdAt") ?? DateTimeOffset.MinValue,
            OptionalTime(root, "finishedAt"))
        {
            Queued = OptionalInt(counts, "queued"),
            Cancelled = OptionalInt(counts, "cancelled"),
            Paused = OptionalInt(counts, "paused"),
            Steps = root.TryGetProperty("steps", out var st) ? st.GetInt64() : 0,
            Objectives = objectives,
            Front = front,
            Constraints = constraints,
            PauseReason = root.GetProperty("status").GetString() == "paused"
                ? root.TryGetProperty("pauseReason", out var why) ? why.GetString() ?? "" : ""
                : null,
            Refit = root.TryGetProperty("refit", out var refit) && refit.TryGetProperty("status", out _)
                ? Refit(refit)
                : null,
        };
        List<TrialRecord>? trials = null;
        var executing = new HashSet<int>();
        var runningOn = new Dictionary<int, string>();
        var dispatches = new Dictionary<int, int>();
        var parts = new Dictionary<int, TrialPartsProgress>();
        // A node's answer carries its trials inline.
        if (trialDocuments is null && root.TryGetProperty("trialList", out var inline))
            trialDocuments = inline.EnumerateArray().Select(x => x.GetRawText()).ToList();
        if (trialDocuments is not null)
        {
            trials = new List<TrialRecord>();
            foreach (var text in trialDocuments)
            {
                using var trialDoc = JsonDocument.Parse(text);
                var t = trialDoc.RootElement;
                var record = Trial(t);
                trials.Add(record);
                if (t.GetProperty("state").GetString() == "running") executing.Add(record.Number);
                if (t.TryGetProperty("node", out var node)) runningOn[record.Number] = node.GetString()!;
                if (t.TryGetProperty("dispatch", out var d)) dispatches[record.Number] = d.GetInt32();
                if (t.TryGetProperty("parts", out var p))
                    parts[record.Number] = new TrialPartsProgress(p.GetProperty("count").GetInt32(),
                        p.GetProperty("done").GetInt32(),
                        p.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()!).ToList());
            }
            trials.Sort((x, y) => x.Number.CompareTo(y.Number));
        }
        return new StudyProtocol.StudyReport(progress, trials)
        {
            Rungs = root.TryGetProperty("rungs", out var rungs)
                ? rungs.EnumerateArray().Select(x => new RungSummary(x.GetProperty("bracket").GetInt32(),
                    x.GetProperty("rung").GetInt32(), x.GetProperty("step").GetInt64(),
                    x.GetProperty("trials").GetInt32(), x.GetProperty("promoted").GetInt32(),
                    OptionalDouble(x, "bestValue"))).ToList()
                : null,
            Generations = root.TryGetProperty("generations", out var gens)
                ? gens.EnumerateArray().Select(x => new GenerationSummary(x.GetProperty("generation").GetInt32(),
                    x.GetProperty("size").GetInt32(), x.GetProperty("complete").GetInt32(),
                    OptionalDouble(x, "best"), OptionalDouble(x, "mean"))).ToList()
                : null,
            FinalStep = root.TryGetProperty("finalStep", out var f) ? f.GetInt64() : null,
            BestSchedule = schedule,
            CoordinatorNode = root.TryGetProperty("coordinatorNode", out var cn) ? cn.GetString() : null,
            SpaceJson = root.TryGetProperty("space", out var space) ? space.GetRawText() : null,
            RunningOn = trials is null ? null : runningOn,
            Dispatches = trials is null ? null : dispatches,
            Executing = trials is null ? null : executing,
            Parts = trials is null ? null : parts,
        };
    }

    /// <summary>A trial document (of a study document's <c>trialList</c>, or the read model's) as a record.</summary>
    /// <exception cref="JsonException">Not a trial document.</exception>
    public static TrialRecord ReadTrial(string trialDocument)
    {
        using var doc = JsonDocument.Parse(trialDocument);
        try
        {
            return Trial(doc.RootElement);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException
                                      or ArgumentException)
        {
            throw new JsonException($"not a trial document: {e.Message}", e);
        }
    }

    private static TrialRecord Trial(JsonElement t)
    {
        var stateText = t.GetProperty("state").GetString()!;
        // "queued" is a running trial whose worker has not begun it.
        var state = stateText == "queued" ? TrialState.Running : Enum.Parse<TrialState>(stateText, ignoreCase: true);
        var intermediate = t.TryGetProperty("intermediate", out var i)
            ? i.EnumerateArray().Select(x => new IntermediateValue(x.GetProperty("step").GetInt64(),
                x.GetProperty("value").ValueKind == JsonValueKind.Number
                    ? x.GetProperty("value").GetDouble()
                    : double.NaN)).ToImmutableList()
            : t.TryGetProperty("lastStep", out var last)
                ? ImmutableList.Create(new IntermediateValue(last.GetInt64(), double.NaN))
                : ImmutableList<IntermediateValue>.Empty;
        return new TrialRecord(t.GetProperty("number").GetInt32(), state, Params(t.GetProperty("params")))
        {
            Value = OptionalDouble(t, "value"),
            Intermediate = intermediate,
            Metrics = t.TryGetProperty("metrics", out var m)
                ? m.EnumerateObject().ToImmutableDictionary(x => x.Name, x => x.Value.GetDouble())
                : ImmutableDictionary<string, double>.Empty,
            Attributes = t.TryGetProperty("attributes", out var a)
                ? a.EnumerateObject().ToImmutableDictionary(x => x.Name, x => x.Value.GetString() ?? "")
                : ImmutableDictionary<string, string>.Empty,
            FailureReason = t.TryGetProperty("failureReason", out var fr) ? fr.GetString() : null,
            FailedAttempts = OptionalInt(t, "failedAttempts"),
            StartedAt = OptionalTime(t, "startedAt"),
            FinishedAt = OptionalTime(t, "finishedAt"),
            StopAtStep = t.TryGetProperty("stopAtStep", out var stop) ? stop.GetInt64() : null,
            Lineage = t.TryGetProperty("lineage", out var lineage)
                ? lineage.EnumerateArray().Select(x => new LineageEntry(x.GetProperty("step").GetInt64(),
                    x.GetProperty("donor").GetInt32(), Params(x.GetProperty("before")),
                    Params(x.GetProperty("after")))).ToImmutableList()
                : ImmutableList<LineageEntry>.Empty,
        };
    }

    /// <summary>A configuration from its JSON object: whole numbers as long, other numbers as double.</summary>
    public static Configuration Params(JsonElement element) =>
        Configuration.From(element.EnumerateObject().Select(p => new KeyValuePair<string, object>(p.Name,
            p.Value.ValueKind switch
            {
                JsonValueKind.Number when p.Value.TryGetInt64(out var l) => l,
                JsonValueKind.Number => p.Value.GetDouble(),
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => p.Value.GetString() ?? "",
            })));

    private static StudyDirection Direction(string? text) =>
        string.Equals(text, "maximize", StringComparison.OrdinalIgnoreCase)
            ? StudyDirection.Maximize
            : StudyDirection.Minimize;

    private static double? OptionalDouble(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    private static int OptionalInt(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0;

    private static DateTimeOffset? OptionalTime(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? DateTimeOffset.Parse(v.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)
            : null;
}
