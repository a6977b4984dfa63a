using System.Text;
using System.Text.Json;
using HyperTune.Cluster.Views;

namespace HyperTune.Cli.Dashboard;

/// <summary>The JSON documents of the dashboard's <c>/api/</c> routes, written from read-model views.</summary>
internal static class DashboardJson
{
    // The fields of a study document a listing shows; the rest (rungs, generations, a PBT schedule) only the
    // study's own page needs.
    private static readonly string[] ListedFields =
    [
        "reason", "metric", "direction", "objectives", "maxTrials", "parallelism", "coordinatorNode", "trials",
        "steps", "best",
    ];

    /// <summary>
    /// <c>{"studies": [...]}</c>: per study its id, name, status, <c>createdAt</c>, <c>updatedAt</c>,
    /// <c>version</c>, then from its document the objective, budget, trial counts, steps and best.
    /// </summary>
    public static string StudyList(IReadOnlyList<StudyView> studies) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("studies");
        foreach (var study in studies)
        {
            w.WriteStartObject();
            WriteViewFields(w, study);
            using var doc = JsonDocument.Parse(study.Document);
            foreach (var name in ListedFields)
                if (doc.RootElement.TryGetProperty(name, out var value))
                {
                    w.WritePropertyName(name);
                    value.WriteTo(w);
                }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>The study's document with the view's <c>createdAt</c>, <c>updatedAt</c> and <c>version</c>.</summary>
    public static string Study(StudyView study) => Write(w =>
    {
        w.WriteStartObject();
        WriteViewFields(w, study);
        using var doc = JsonDocument.Parse(study.Document);
        foreach (var property in doc.RootElement.EnumerateObject())
            if (property.Name is not ("study" or "name" or "status" or "createdAt" or "updatedAt" or "version"))
                property.WriteTo(w);
        w.WriteEndObject();
    });

    /// <summary>
    /// <c>{"study": ID, "since": V, "version": V2, "trials": [...]}</c>: the trial documents written after
    /// <c>since</c>; <c>version</c> is what the next request passes as <c>since</c> to get only newer ones.
    /// </summary>
    public static string Trials(string studyId, long since, IReadOnlyList<TrialView> trials) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("study", studyId);
        w.WriteNumber("since", since);
        w.WriteNumber("version", trials.Count == 0 ? since : Math.Max(since, trials.Max(t => t.Version)));
        w.WriteStartArray("trials");
        // Raw, without parsing: the writer checks that each document is one JSON value.
        foreach (var trial in trials) w.WriteRawValue(trial.Document);
        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>
    /// <c>{"study": ID, "importance": [{"name": P, "share": X}, ...]}</c>, largest share first; an empty list when
    /// the study has too few completed trials to tell.
    /// </summary>
    public static string Importance(string studyId, IReadOnlyList<(string Name, double Share)>? shares) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("study", studyId);
        w.WriteStartArray("importance");
        foreach (var (name, share) in (shares ?? []).OrderByDescending(s => s.Share))
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteNumber("share", double.IsFinite(share) ? share : 0);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>What the event stream sends when a study's view changed: <c>{"study", "version", "status",
    /// "updatedAt"}</c>.</summary>
    public static string Change(StudyView study) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("study", study.StudyId);
        w.WriteNumber("version", study.Version);
        w.WriteString("status", study.Status);
        w.WriteString("updatedAt", study.UpdatedAt.ToUniversalTime().ToString("O"));
        w.WriteEndObject();
    });

    /// <summary>The cluster document of a local store: <c>{"local": true}</c>.</summary>
    public static string LocalCluster { get; } = """{"local":true}""";

    /// <summary>An error body, <c>{"error": MESSAGE}</c>, as the node's API writes them.</summary>
    public static string Error(string message) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("error", message);
        w.WriteEndObject();
    });

    private static void WriteViewFields(Utf8JsonWriter w, StudyView study)
    {
        w.WriteString("study", study.StudyId);
        w.WriteString("name", study.Name);
        w.WriteString("status", study.Status);
        w.WriteString("createdAt", study.CreatedAt.ToUniversalTime().ToString("O"));
        w.WriteString("updatedAt", study.UpdatedAt.ToUniversalTime().ToString("O"));
        w.WriteNumber("version", study.Version);
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream)) write(w);
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
