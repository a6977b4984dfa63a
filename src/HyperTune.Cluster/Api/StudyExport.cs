using System.Globalization;
using System.Text;
using HyperTune.Cluster.Studies;
using HyperTune.Core.Studies;

namespace HyperTune.Cluster.Api;

/// <summary>A study's trials as CSV or JSON lines: what <c>study export</c> and the C# client give.</summary>
public static class StudyExport
{
    /// <summary>
    /// CSV in the shape of Optuna's <c>trials_dataframe</c>: a header (<c>number, state, value, datetime_start,
    /// datetime_complete, duration_seconds, last_step, params_*, metrics_*</c>), then one row per trial.
    /// </summary>
    public static string Csv(StudyProtocol.StudyReport report)
    {
        var trials = report.Trials ?? Array.Empty<TrialRecord>();
        var parameters = trials.SelectMany(t => t.Params.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var metrics = trials.SelectMany(t => t.Metrics.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var text = new StringBuilder();
        var header = new[] { "number", "state", "value", "datetime_start", "datetime_complete", "duration_seconds",
                "last_step" }
            .Concat(parameters.Select(p => "params_" + p)).Concat(metrics.Select(m => "metrics_" + m));
        text.AppendLine(string.Join(',', header.Select(Quote)));
        foreach (var t in trials)
        {
            var cells = new List<string>
            {
                t.Number.ToString(CultureInfo.InvariantCulture),
                StateOf(report, t),
                t.Value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "",
                t.StartedAt?.ToUniversalTime().ToString("O") ?? "",
                t.FinishedAt?.ToUniversalTime().ToString("O") ?? "",
                Duration(t)?.TotalSeconds.ToString("R", CultureInfo.InvariantCulture) ?? "",
                t.LastIntermediate?.Step.ToString(CultureInfo.InvariantCulture) ?? "",
            };
            cells.AddRange(parameters.Select(p => t.Params.TryGetValue(p, out var value)
                ? Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""
                : ""));
            cells.AddRange(metrics.Select(m => t.Metrics.TryGetValue(m, out var value)
                ? value.ToString("R", CultureInfo.InvariantCulture)
                : ""));
            text.AppendLine(string.Join(',', cells.Select(Quote)));
        }
        return text.ToString();
    }

    /// <summary>Every trial's document (as <see cref="StudyJson.TrialToJson"/>, with its intermediate values), one per
    /// line.</summary>
    public static string JsonLines(StudyProtocol.StudyReport report)
    {
        var text = new StringBuilder();
        foreach (var t in report.Trials ?? Array.Empty<TrialRecord>())
            text.AppendLine(StudyJson.TrialToJson(report, t));
        return text.ToString();
    }

    private static string Quote(string cell) =>
        cell.IndexOfAny(new[] { ',', '"', '\n', '\r' }) < 0 ? cell : "\"" + cell.Replace("\"", "\"\"") + "\"";

    /// <summary>A trial's state as the documents spell it ("queued": dispatched, waiting for a slot).</summary>
    public static string StateOf(StudyProtocol.StudyReport report, TrialRecord t) =>
        t.State == TrialState.Running && report.Executing is { } executing && !executing.Contains(t.Number)
            ? "queued"
            : t.State.ToString().ToLowerInvariant();

    /// <summary>How long a finished trial ran, or null.</summary>
    public static TimeSpan? Duration(TrialRecord t) =>
        t is { StartedAt: { } start, FinishedAt: { } end } ? end - start : null;
}
