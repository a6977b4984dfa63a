using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using HyperTune.Cluster.Studies;
using HyperTune.Trainables;
using HyperTune.Trainables.MlNet;

namespace HyperTune.Cli.Output;

/// <summary>
/// An ML.NET study's refit on this machine (<c>hypertune study refit</c> from a local store or with <c>--local</c>):
/// trains the best configuration on the whole training set, scores it once on the test set, saves the model and a
/// <c>refit.json</c> beside it in the study's artifacts folder; and prints refits, this machine's or a node's
/// (<see cref="StudyRefit"/>, which the study document carries).
/// </summary>
internal static class RefitWriter
{
    /// <summary>The file beside the model that records the refit.</summary>
    public const string RecordFile = "refit.json";

    /// <summary>The model file in the artifacts folder.</summary>
    public const string ModelFile = "model.zip";

    /// <summary>Refits <paramref name="best"/> and records the result in <paramref name="artifacts"/>.</summary>
    public static async Task<RefitRecord> RefitAsync(MlNetTrainable trainable, TrialSummary best, string artifacts,
        CancellationToken ct)
    {
        Console.Error.WriteLine($"refit: training trial {best.Number}'s configuration on all training rows");
        var result = await trainable.RefitAsync(best.Params, Path.Combine(artifacts, ModelFile), ct);
        var record = new RefitRecord(best.Number, best.Value, result);
        await File.WriteAllTextAsync(Path.Combine(artifacts, RecordFile), ToNode(record).ToJsonString(Indented), ct);
        return record;
    }

    /// <summary>The refit recorded in <paramref name="artifacts"/> (a study's artifacts folder), or null.</summary>
    /// <exception cref="JsonException">The record is not one this writer wrote.</exception>
    public static RefitRecord? TryRead(string artifacts)
    {
        var file = Path.Combine(artifacts, RecordFile);
        if (!File.Exists(file)) return null;
        var node = JsonNode.Parse(File.ReadAllText(file))!;
        try
        {
            var test = node["test"]!.AsObject().ToDictionary(m => m.Key, m => (double)m.Value!);
            return new RefitRecord((int)node["trial"]!, (double)node["crossValidatedValue"]!,
                new RefitResult(test, (int)node["trainRows"]!, (int)node["testRows"]!, (string?)node["modelPath"]));
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or FormatException)
        {
            throw new JsonException($"{file} is not a refit record: {e.Message}", e);
        }
    }

    /// <summary>The refit record as JSON (what <c>refit.json</c> holds).</summary>
    public static string ToJson(RefitRecord refit) => ToNode(refit).ToJsonString(Indented);

    /// <summary>The study document with a <c>refit</c> object added (or the document unchanged without a refit).</summary>
    public static string WithRefit(string studyJson, RefitRecord? refit)
    {
        if (refit is null || JsonNode.Parse(studyJson) is not JsonObject document) return studyJson;
        document["refit"] = ToNode(refit);
        return document.ToJsonString(Indented);
    }

    /// <summary>One line per fact: the cross-validated and test scores, and where the model is.</summary>
    public static void WriteHuman(RefitRecord refit, string metric, double crossValidated, TextWriter output)
    {
        var r = refit.Result;
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"refit (trial {refit.Trial} on {r.TrainRows} training rows): cross-validated {metric} {crossValidated:G6}"));
        if (r.TestRows > 0)
            output.WriteLine("test (" + r.TestRows + " rows, seen once): " + string.Join(", ",
                r.TestMetrics.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value:G6}"))));
        if (r.ModelPath is not null) output.WriteLine($"model: {r.ModelPath}");
    }

    /// <summary>
    /// A node's refit of the study (<see cref="StudyRefit"/>): as <see cref="WriteHuman(RefitRecord, string, double,
    /// TextWriter)"/> once complete (with the node that trained it), else where it is.
    /// </summary>
    /// <param name="refit">The refit.</param>
    /// <param name="progress">Its study's progress (metric, best trial).</param>
    /// <param name="output">Where to write.</param>
    /// <param name="showNode">Whether to say which node trained it (not for a one-node run's own node).</param>
    public static void WriteHuman(StudyRefit refit, StudyProgress progress, TextWriter output, bool showNode = true)
    {
        if (refit.Status == RefitStatus.Complete)
        {
            var crossValidated = progress.Best is { } best && best.Number == refit.Trial ? best.Value : double.NaN;
            // The study's metric first, then the others by name.
            var test = refit.TestMetrics.OrderBy(m => m.Key == progress.Metric ? 0 : 1)
                .ThenBy(m => m.Key, StringComparer.Ordinal).ToDictionary(m => m.Key, m => m.Value);
            WriteHuman(new RefitRecord(refit.Trial, crossValidated,
                new RefitResult(test, refit.TrainRows, refit.TestRows, refit.ModelPath)),
                progress.Metric, crossValidated, output);
            if (showNode && refit.NodeKey is { } node) output.WriteLine($"refitted on: {node}");
            return;
        }
        output.WriteLine();
        output.WriteLine(refit.Status == RefitStatus.Failed
            ? $"refit (trial {refit.Trial}) failed after {refit.FailedAttempts} attempt(s): {refit.FailureReason}"
            : $"refit (trial {refit.Trial}): {refit.Status.ToString().ToLowerInvariant()}" +
              (refit.NodeKey is { } on ? $" on {on}" : "") +
              (refit.FailureReason is { } last ? $" (an attempt failed: {last})" : ""));
    }

    private static JsonObject ToNode(RefitRecord refit)
    {
        var test = new JsonObject();
        foreach (var (name, value) in refit.Result.TestMetrics) test[name] = value;
        return new JsonObject
        {
            ["trial"] = refit.Trial,
            ["crossValidatedValue"] = refit.CrossValidatedValue,
            ["trainRows"] = refit.Result.TrainRows,
            ["testRows"] = refit.Result.TestRows,
            ["test"] = test,
            ["modelPath"] = refit.Result.ModelPath,
        };
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
