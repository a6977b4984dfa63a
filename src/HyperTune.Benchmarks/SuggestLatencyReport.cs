using System.Globalization;
using System.Text.Json;

namespace HyperTune.Benchmarks;

/// <summary>The outcome of <see cref="SuggestLatencyBenchmark.Run"/>.</summary>
/// <param name="Problem">The problem whose space and values the histories use.</param>
/// <param name="Dimension">Parameters in that space.</param>
/// <param name="HistorySizes">The history sizes, ascending.</param>
/// <param name="Optimizers">Setup names in the order asked for.</param>
/// <param name="Entries">One per measured (or skipped) setup and size.</param>
/// <param name="Skipped">Setups that could not run at all, and why.</param>
public sealed record SuggestLatencyReport(
    string Problem,
    int Dimension,
    IReadOnlyList<int> HistorySizes,
    IReadOnlyList<string> Optimizers,
    IReadOnlyList<SuggestLatency> Entries,
    IReadOnlyList<SkippedBenchmark> Skipped)
{
    /// <summary>Trials running in every timed history besides the completed ones.</summary>
    public int Pending { get; init; }

    /// <summary>The entry of a setup at a size, or null.</summary>
    public SuggestLatency? Get(string optimizer, int size) => Entries.FirstOrDefault(e => e.Optimizer == optimizer && e.HistorySize == size);

    /// <summary>
    /// Writes <c>{"problem": P, "dimension": D, "results": {OPTIMIZER: {"SIZE": {"median_ms": X, "p90_ms": X, "calls": N}
    /// or {"skipped": REASON}}}, "skipped": [...]}</c>.
    /// </summary>
    public void WriteJson(Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("problem", Problem);
        w.WriteNumber("dimension", Dimension);
        w.WriteNumber("pending", Pending);
        w.WriteStartObject("results");
        foreach (var optimizer in Optimizers)
        {
            var entries = Entries.Where(e => e.Optimizer == optimizer).ToArray();
            if (entries.Length == 0) continue;
            w.WriteStartObject(optimizer);
            foreach (var e in entries)
            {
                w.WriteStartObject(e.HistorySize.ToString(CultureInfo.InvariantCulture));
                if (e.Skipped is { } reason) w.WriteString("skipped", reason);
                else
                {
                    w.WriteNumber("median_ms", Math.Round(e.MedianMilliseconds, 4));
                    w.WriteNumber("p90_ms", Math.Round(e.P90Milliseconds, 4));
                    if (double.IsFinite(e.WarmMedianMilliseconds))
                    {
                        w.WriteNumber("warm_median_ms", Math.Round(e.WarmMedianMilliseconds, 4));
                        w.WriteNumber("warm_p90_ms", Math.Round(e.WarmP90Milliseconds, 4));
                    }
                    w.WriteNumber("calls", e.Calls);
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
        BenchmarkJson.WriteSkipped(w, Skipped, "optimizer", withProblem: false);
        w.WriteEndObject();
    }

    /// <summary>The JSON text of <see cref="WriteJson"/>.</summary>
    public string ToJson() => BenchmarkJson.ToText(WriteJson);

    /// <summary>Writes two tables (warm, then fresh): one row per setup, median / p90 milliseconds per history size.</summary>
    public void WriteTable(TextWriter writer)
    {
        writer.WriteLine($"Suggest latency on {Problem} ({Dimension}-D), median / p90 ms by completed trials in the history" +
                         (Pending > 0 ? $", {Pending} more trial(s) running" : ""));
        WriteTable(writer, "warm: one optimizer across calls, one more completed trial each call (a running study)", e => (e.WarmMedianMilliseconds, e.WarmP90Milliseconds));
        writer.WriteLine();
        WriteTable(writer, "fresh: a newly built optimizer for every call (the first suggestion after a recovery)", e => (e.MedianMilliseconds, e.P90Milliseconds));
        WriteSkipped(writer);
    }

    private void WriteTable(TextWriter writer, string title, Func<SuggestLatency, (double Median, double P90)> figures)
    {
        writer.WriteLine(title);
        var table = new TextTable(HistorySizes.Select(s => s.ToString(CultureInfo.InvariantCulture)).Prepend("optimizer").ToArray());
        foreach (var optimizer in Optimizers)
        {
            if (!Entries.Any(e => e.Optimizer == optimizer)) continue;
            table.Add(HistorySizes.Select(s => Get(optimizer, s) switch
            {
                null => "-",
                { Skipped: not null } => "skipped",
                var e when figures(e) is var (median, p90) && double.IsFinite(median) => $"{Format(median)} / {Format(p90)}",
                _ => "-",
            }).Prepend(optimizer).ToArray());
        }
        table.Write(writer);
    }

    private void WriteSkipped(TextWriter writer)
    {
        var notes = Entries.Where(e => e.Skipped is not null).Select(e => $"  {e.Optimizer} at {e.HistorySize}: {e.Skipped}")
            .Concat(Skipped.Select(s => $"  {s.Optimizer}: {s.Reason}")).ToArray();
        if (notes.Length == 0) return;
        writer.WriteLine();
        writer.WriteLine("Skipped:");
        foreach (var n in notes) writer.WriteLine(n);
    }

    private static string Format(double ms) => ms.ToString(ms < 10 ? "0.000" : "0.0", CultureInfo.InvariantCulture);
}
