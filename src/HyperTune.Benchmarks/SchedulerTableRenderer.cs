using System.Globalization;

namespace HyperTune.Benchmarks;

/// <summary>
/// Renders a <see cref="SchedulerBenchmarkReport"/>: median final regret per problem and setup with the reference's
/// figures beside ours, trials started and slot utilization, and the issue's goal lines.
/// </summary>
public static class SchedulerTableRenderer
{
    /// <summary>Writes the tables.</summary>
    /// <param name="report">The benchmark's results.</param>
    /// <param name="writer">Where to write.</param>
    /// <param name="reference">Reference figures to show beside ours, or null.</param>
    public static void Write(SchedulerBenchmarkReport report, TextWriter writer, SchedulerReference? reference = null)
    {
        var ran = report.Setups.Where(s => report.Problems.Any(p => report.Get(p, s) is not null)).ToArray();
        var theirs = reference is null
            ? Array.Empty<string>()
            : reference.Results.Results.Values.SelectMany(v => v.Keys).Distinct(StringComparer.Ordinal).ToArray();
        writer.WriteLine($"Median final regret (budget {report.BudgetRuns} runs, seeds {report.FirstSeed}..{report.FirstSeed + report.Seeds - 1}, " +
            $"{report.Parallelism} slot(s){(report.MaxTrials is { } m ? $", at most {m} trials" : "")})");
        var header = report.Problems.Prepend("setup").ToArray();
        var regret = new TextTable(header);
        foreach (var s in ran)
            regret.Add(report.Problems.Select(p => report.Get(p, s) is { } r ? BenchmarkTableRenderer.Number(r.MedianRegret) : "-").Prepend(s).ToArray());
        foreach (var s in theirs)
            regret.Add(report.Problems.Select(p => reference!.Results.Get(p, s) is { } f ? BenchmarkTableRenderer.Number(f.MedianRegret) : "-")
                .Prepend($"{reference!.Name}: {s}").ToArray());
        regret.Write(writer);

        writer.WriteLine();
        writer.WriteLine("Median trials started / mean slot utilization");
        var trials = new TextTable(header);
        foreach (var s in ran)
            trials.Add(report.Problems.Select(p => report.Get(p, s) is { } r
                ? $"{r.MedianTrials.ToString("0.#", CultureInfo.InvariantCulture)} / {r.Utilization.ToString("0.00", CultureInfo.InvariantCulture)}"
                : "-").Prepend(s).ToArray());
        trials.Write(writer);

        if (reference is not null) WriteGoals(report, writer, reference);

        if (report.Skipped.Count > 0)
        {
            writer.WriteLine();
            writer.WriteLine("Skipped:");
            foreach (var s in report.Skipped)
                writer.WriteLine(s.Problem is null ? $"  {s.Optimizer}: {s.Reason}" : $"  {s.Optimizer} on {s.Problem}: {s.Reason}");
        }
    }

    private static void WriteGoals(SchedulerBenchmarkReport report, TextWriter writer, SchedulerReference reference)
    {
        var goals = SchedulerGoals.Evaluate(report, reference.Results);
        var name = reference.Name;
        writer.WriteLine();
        writer.WriteLine($"Goals (median final regret; lower is better)");
        var table = new TextTable("problem", "best ours", "", $"best {name}", "", "", SchedulerSetup.RecommendedName,
            SchedulerSetup.RecommendedBaselineName, "");
        foreach (var row in goals.Problems)
            table.Add(row.Problem,
                row.Ours?.Setup ?? "-", row.Ours is { } o ? BenchmarkTableRenderer.Number(o.Regret) : "-",
                row.Theirs?.Setup ?? "-", row.Theirs is { } t ? BenchmarkTableRenderer.Number(t.Regret) : "-",
                Verdict(row.Ours?.Regret, row.Theirs?.Regret),
                row.Recommended is { } r ? BenchmarkTableRenderer.Number(r) : "-",
                row.Baseline is { } b ? BenchmarkTableRenderer.Number(b) : "-",
                Verdict(row.Recommended, row.Baseline));
        table.Write(writer);
        var n = goals.Problems.Count;
        writer.WriteLine($"Goal: our best at or below {name}'s best on all {n} problems ({goals.BestAtOrBelow}/{n}) and strictly below on at least " +
            $"{Math.Min(3, n)} ({goals.BestBelow}/{n}): {(goals.BestGoalMet ? "met" : "NOT met")}");
        writer.WriteLine($"Goal: {SchedulerSetup.RecommendedName} (recommended) below {SchedulerSetup.RecommendedBaselineName} without a scheduler " +
            $"on all {n} problems ({goals.RecommendedBelow}/{n}): {(goals.RecommendedGoalMet ? "met" : "NOT met")}");
    }

    private static string Verdict(double? ours, double? theirs)
    {
        if (ours is not { } a || theirs is not { } b) return "";
        if (a < b) return b > 0 && a > 0 ? $"below x{(b / a).ToString("0.0", CultureInfo.InvariantCulture)}" : "below";
        if (a == b) return "equal";
        return a > 0 && b > 0 ? $"above x{(a / b).ToString("0.0", CultureInfo.InvariantCulture)}" : "above";
    }
}
