using System.Globalization;

namespace HyperTune.Trainables.Processes;

/// <summary>
/// The line a process prints to report metrics: <c>hypertune-report [step=N] name=value [name=value ...]</c>, for
/// example <c>hypertune-report step=3 loss=0.41 accuracy=0.87</c>. Values are invariant-culture numbers
/// (<c>nan</c> and <c>inf</c> allowed, so a NaN loss fails the trial with a clear reason). Other lines are ignored.
/// </summary>
public static class ReportLine
{
    /// <summary>The word that starts a report line.</summary>
    public const string Prefix = "hypertune-report";

    /// <summary>
    /// Parses a line: null when it is not a report line; throws <see cref="FormatException"/> when it starts with the
    /// prefix but is malformed. <paramref name="defaultStep"/> is used when the line has no <c>step=</c>.
    /// </summary>
    public static TrialReport? Parse(string line, long defaultStep)
    {
        var tokens = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length == 0 || tokens[0] != Prefix) return null;
        var step = defaultStep;
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var token in tokens.Skip(1))
        {
            var eq = token.IndexOf('=');
            if (eq <= 0 || eq == token.Length - 1) throw new FormatException($"malformed report token '{token}' (expected name=value) in line: {line}");
            var name = token[..eq];
            var text = token[(eq + 1)..];
            if (name == "step")
            {
                if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out step))
                    throw new FormatException($"step '{text}' is not an integer in line: {line}");
                continue;
            }
            metrics[name] = ParseValue(text) ?? throw new FormatException($"metric '{name}' has a non-numeric value '{text}' in line: {line}");
        }
        if (metrics.Count == 0) throw new FormatException($"report line has no metrics: {line}");
        return new TrialReport(step, metrics);
    }

    private static double? ParseValue(string text) => text.ToLowerInvariant() switch
    {
        "nan" => double.NaN,
        "inf" or "+inf" or "infinity" => double.PositiveInfinity,
        "-inf" or "-infinity" => double.NegativeInfinity,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
    };

    /// <summary>Formats a report line (used by tests and example scripts' documentation).</summary>
    public static string Format(TrialReport report) =>
        $"{Prefix} step={report.Step} " + string.Join(' ', report.Metrics.Select(m => $"{m.Key}={m.Value.ToString("R", CultureInfo.InvariantCulture)}"));
}
