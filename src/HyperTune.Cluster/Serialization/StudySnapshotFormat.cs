using System.Collections.Immutable;
using System.Runtime.Serialization;
using System.Text.Json;
using HyperTune.Cluster.Studies;
using HyperTune.Core.Studies;

namespace HyperTune.Cluster.Serialization;

/// <summary>
/// A study snapshot (<see cref="StudySnapshot"/>) as one JSON document, manifest <see cref="Manifest"/>: every trial's
/// record in the study events' lossless value forms (<see cref="EventJsonWriter"/>). Written in one pass over the
/// trials with no object-reference tracking, so its cost grows with the study's size and no faster (Hyperion's
/// grew faster, holding SQLite's write lock while the journal's writes timed out past a few thousand trials).
/// </summary>
public static class StudySnapshotFormat
{
    /// <summary>The manifest of this format; never change what it means once data exists.</summary>
    public const string Manifest = "study-snapshot.v1";

    /// <summary>The snapshot as UTF-8 JSON.</summary>
    public static byte[] Write(StudySnapshot s)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            var w = new EventJsonWriter(json);
            w.String("studyId", s.StudyId).String("spec", s.SpecJson).Time("createdAt", s.CreatedAt)
                .Int("maxTrials", s.MaxTrials).Int("parallelism", s.Parallelism).String("status", s.Status.ToString())
                .OptionalString("finishReason", s.FinishReason);
            if (s.FinishedAt is { } finished) w.Time("finishedAt", finished);
            json.WriteStartArray("trials");
            foreach (var t in s.Trials) WriteTrial(json, t);
            json.WriteEndArray();
            WriteMap(json, "runningOn", s.RunningOn, (n, v) => json.WriteString(n, v));
            WriteMap(json, "lastDispatch", s.LastDispatch, (n, v) => json.WriteNumber(n, v));
            WriteMap(json, "requeues", s.Requeues, (n, v) => json.WriteNumber(n, v));
            if (s.PauseReason is { } pauseReason) json.WriteString("pauseReason", pauseReason);
            if (!s.Parts.IsEmpty)
                WriteMap(json, "parts", s.Parts, (n, parts) =>
                {
                    json.WriteStartArray(n);
                    foreach (var part in parts)
                    {
                        json.WriteStartObject();
                        var pw = new EventJsonWriter(json).Int("dispatch", part.Dispatch)
                            .OptionalString("node", part.NodeKey);
                        if (part.Metrics is { } metrics) pw.Doubles("metrics", metrics);
                        json.WriteEndObject();
                    }
                    json.WriteEndArray();
                });
            if (s.Refit is { } refit) WriteRefit(json, refit);
            if (!s.Enqueued.IsEmpty)
            {
                json.WriteStartArray("enqueued");
                foreach (var c in s.Enqueued)
                {
                    json.WriteStartObject();
                    new EventJsonWriter(json).Params("params", c);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        return stream.ToArray();
    }

    /// <summary>Reads a snapshot written by <see cref="Write"/>.</summary>
    /// <exception cref="SerializationException">Not such a document, naming the field.</exception>
    public static StudySnapshot Read(byte[] bytes)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new SerializationException($"study snapshot '{Manifest}' is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            var r = new EventJsonReader(root, Manifest);
            var status = Enum.TryParse<StudyStatus>(r.String("status"), out var st)
                ? st : throw new SerializationException($"study snapshot: unknown status '{r.String("status")}'");
            return new StudySnapshot(r.String("studyId"), r.String("spec"), r.Time("createdAt"), r.Int("maxTrials"),
                r.Int("parallelism"), status, r.OptionalString("finishReason"),
                root.TryGetProperty("finishedAt", out _) ? r.Time("finishedAt") : null,
                Array(root, "trials").Select(ReadTrial).ToImmutableList(),
                ReadMap(root, "runningOn", v => v.GetString()!), ReadMap(root, "lastDispatch", v => v.GetInt32()),
                ReadMap(root, "requeues", v => v.GetInt32()))
            {
                // Absent from snapshots of earlier versions, and when nothing waits.
                Enqueued = root.TryGetProperty("enqueued", out var enqueued)
                    ? enqueued.EnumerateArray().Select(e => new EventJsonReader(e, Manifest).Params("params"))
                        .ToImmutableList()
                    : ImmutableList<Core.Spaces.Configuration>.Empty,
                PauseReason = root.TryGetProperty("pauseReason", out var pause) ? pause.GetString() : null,
                Parts = root.TryGetProperty("parts", out _)
                    ? ReadMap(root, "parts", v => v.EnumerateArray().Select(ReadPart).ToImmutableList())
                    : ImmutableDictionary<int, ImmutableList<TrialPart>>.Empty,
                Refit = root.TryGetProperty("refit", out var refit) ? ReadRefit(refit) : null,
            };
        }
    }

    private static void WriteRefit(Utf8JsonWriter json, StudyRefit refit)
    {
        json.WriteStartObject("refit");
        var w = new EventJsonWriter(json).Int("trial", refit.Trial).String("status", refit.Status.ToString())
            .Int("dispatch", refit.Dispatch).OptionalString("node", refit.NodeKey).Time("requestedAt", refit.RequestedAt)
            .String("reason", refit.Reason).Int("failedAttempts", refit.FailedAttempts)
            .OptionalString("failureReason", refit.FailureReason).Doubles("test", refit.TestMetrics)
            .Int("trainRows", refit.TrainRows).Int("testRows", refit.TestRows).OptionalString("model", refit.ModelPath);
        if (refit.FinishedAt is { } finished) w.Time("finishedAt", finished);
        if (!refit.FailedNodes.IsEmpty)
        {
            json.WriteStartArray("failedNodes");
            foreach (var node in refit.FailedNodes) json.WriteStringValue(node);
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }

    private static StudyRefit ReadRefit(JsonElement e)
    {
        var r = new EventJsonReader(e, Manifest);
        var status = Enum.TryParse<RefitStatus>(r.String("status"), out var st)
            ? st : throw new SerializationException($"study snapshot: unknown refit status '{r.String("status")}'");
        return new StudyRefit(r.Int("trial"), status, r.Int("dispatch"), r.OptionalString("node"), r.Time("requestedAt"))
        {
            Reason = r.String("reason"),
            FailedAttempts = r.Int("failedAttempts"),
            FailureReason = r.OptionalString("failureReason"),
            TestMetrics = r.Doubles("test"),
            TrainRows = r.Int("trainRows"),
            TestRows = r.Int("testRows"),
            ModelPath = r.OptionalString("model"),
            FinishedAt = e.TryGetProperty("finishedAt", out _) ? r.Time("finishedAt") : null,
            FailedNodes = e.TryGetProperty("failedNodes", out var failed)
                ? failed.EnumerateArray().Select(n => n.GetString()!).ToImmutableSortedSet(StringComparer.Ordinal)
                : ImmutableSortedSet<string>.Empty,
        };
    }

    private static TrialPart ReadPart(JsonElement e)
    {
        var r = new EventJsonReader(e, Manifest);
        return new TrialPart(r.Int("dispatch"), r.OptionalString("node"),
            e.TryGetProperty("metrics", out _) ? r.Doubles("metrics") : null);
    }

    private static void WriteTrial(Utf8JsonWriter json, TrialRecord t)
    {
        json.WriteStartObject();
        var w = new EventJsonWriter(json);
        w.Int("number", t.Number).String("state", t.State.ToString()).Params("params", t.Params);
        if (t.Value is { } value) w.Double("value", value);
        if (!t.Metrics.IsEmpty) w.Doubles("metrics", t.Metrics);
        if (!t.Attributes.IsEmpty) w.Strings("attributes", t.Attributes);
        if (t.FailedAttempts != 0) w.Int("failedAttempts", t.FailedAttempts);
        w.OptionalString("failureReason", t.FailureReason).OptionalLong("stopAtStep", t.StopAtStep);
        if (t.StartedAt is { } started) w.Time("startedAt", started);
        if (t.FinishedAt is { } finishedAt) w.Time("finishedAt", finishedAt);
        if (!t.Intermediate.IsEmpty)
        {
            // Steps and values as two parallel arrays: the bulk of a long study's snapshot, kept compact.
            json.WriteStartArray("steps");
            foreach (var v in t.Intermediate) json.WriteNumberValue(v.Step);
            json.WriteEndArray();
            json.WriteStartObject("values");
            for (var i = 0; i < t.Intermediate.Count; i++) w.Double(i.ToString(System.Globalization.CultureInfo.InvariantCulture), t.Intermediate[i].Value);
            json.WriteEndObject();
        }
        if (!t.Lineage.IsEmpty)
        {
            json.WriteStartArray("lineage");
            foreach (var e in t.Lineage)
            {
                json.WriteStartObject();
                new EventJsonWriter(json).Long("step", e.Step).Int("donor", e.Donor).Params("before", e.Before).Params("after", e.After);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }

    private static TrialRecord ReadTrial(JsonElement e)
    {
        var r = new EventJsonReader(e, Manifest);
        var state = Enum.TryParse<TrialState>(r.String("state"), out var s)
            ? s : throw new SerializationException($"study snapshot: unknown trial state '{r.String("state")}'");
        var intermediate = ImmutableList<IntermediateValue>.Empty;
        if (e.TryGetProperty("steps", out var steps))
        {
            var values = r.Doubles("values");
            intermediate = steps.EnumerateArray().Select((step, i) =>
                new IntermediateValue(step.GetInt64(), values[i.ToString(System.Globalization.CultureInfo.InvariantCulture)])).ToImmutableList();
        }
        return new TrialRecord(r.Int("number"), state, r.Params("params"))
        {
            Value = e.TryGetProperty("value", out _) ? r.Double("value") : null,
            Metrics = e.TryGetProperty("metrics", out _) ? r.Doubles("metrics") : ImmutableDictionary<string, double>.Empty,
            Attributes = e.TryGetProperty("attributes", out _) ? r.Strings("attributes") : ImmutableDictionary<string, string>.Empty,
            FailedAttempts = e.TryGetProperty("failedAttempts", out _) ? r.Int("failedAttempts") : 0,
            FailureReason = r.OptionalString("failureReason"),
            StopAtStep = r.OptionalLong("stopAtStep"),
            StartedAt = e.TryGetProperty("startedAt", out _) ? r.Time("startedAt") : null,
            FinishedAt = e.TryGetProperty("finishedAt", out _) ? r.Time("finishedAt") : null,
            Intermediate = intermediate,
            Lineage = e.TryGetProperty("lineage", out var lineage)
                ? lineage.EnumerateArray().Select(l =>
                {
                    var lr = new EventJsonReader(l, Manifest);
                    return new LineageEntry(lr.Long("step"), lr.Int("donor"), lr.Params("before"), lr.Params("after"));
                }).ToImmutableList()
                : ImmutableList<LineageEntry>.Empty,
        };
    }

    private static void WriteMap<T>(Utf8JsonWriter json, string name, ImmutableDictionary<int, T> map, Action<string, T> write)
    {
        json.WriteStartObject(name);
        foreach (var (key, value) in map.OrderBy(p => p.Key)) write(key.ToString(System.Globalization.CultureInfo.InvariantCulture), value);
        json.WriteEndObject();
    }

    private static ImmutableDictionary<int, T> ReadMap<T>(JsonElement root, string name, Func<JsonElement, T> read) =>
        root.TryGetProperty(name, out var map) && map.ValueKind == JsonValueKind.Object
            ? map.EnumerateObject().ToImmutableDictionary(p => int.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture), p => read(p.Value))
            : throw new SerializationException($"study snapshot lacks the map '{name}'");

    private static IEnumerable<JsonElement> Array(JsonElement root, string name) =>
        root.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().ToList()
            : throw new SerializationException($"study snapshot lacks the array '{name}'");
}
