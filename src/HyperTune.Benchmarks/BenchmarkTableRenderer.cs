using System.Globalization;

namespace HyperTune.Benchmarks;

/// <summary>
/// Renders an <see cref="OptimizerBenchmarkReport"/> as text tables: median final regret per problem and optimizer
/// setup, median suggest time, and, given reference figures, how our best setup and our default compare with the
/// reference's best sampler and its default sampler (Optuna's TPE for the Optuna anchor), and, given a baseline (an
/// earlier run of ours on the same studies, say a sequential one), each setup's ratio of median regret to it.
/// </summary>
public static class BenchmarkTableRenderer
{
    /// <summary>Writes the tables.</summary>
    /// <param name="report">The benchmark's results.</param>
    /// <param name="writer">Where to write.</param>
    /// <param name="reference">Reference figures to compare with, or null for no comparison.</param>
    /// <param name="referenceName">How the reference is called in headers and the summary line.</param>
    /// <param name="baseline">Results of ours on the same studies to divide by (see <see cref="BaselineRatios"/>), or null.</param>
    public static void Write(OptimizerBenchmarkReport report, TextWriter writer, ReferenceResults? reference = null, string referenceName = "Optuna",
        ReferenceResults? baseline = null)
    {
        var ran = report.Optimizers.Where(o => report.Problems.Any(p => report.Get(p, o) is not null)).ToArray();
        writer.WriteLine($"Median final regret (budget {report.Budget}, seeds {report.FirstSeed}..{report.FirstSeed + report.Seeds - 1}, {report.Pending} trial(s) in flight)");
        var regret = new TextTable(ran.Prepend("problem").ToArray());
        foreach (var p in report.Problems)
            regret.Add(ran.Select(o => report.Get(p, o) is { } r ? Number(r.MedianRegret) : "-").Prepend(p).ToArray());
        regret.Write(writer);

        writer.WriteLine();
        writer.WriteLine("Median suggest time (ms)");
        var time = new TextTable(ran.Prepend("problem").ToArray());
        foreach (var p in report.Problems)
            time.Add(ran.Select(o => report.Get(p, o) is { } r ? Milliseconds(r.MedianSuggestMilliseconds) : "-").Prepend(p).ToArray());
        time.Write(writer);

        if (reference is not null) WriteComparison(report, writer, reference, referenceName);
        if (baseline is not null) WriteBaselineComparison(report, writer, baseline);

        if (report.Skipped.Count > 0)
        {
            writer.WriteLine();
            writer.WriteLine("Skipped:");
            foreach (var s in report.Skipped)
                writer.WriteLine(s.Problem is null ? $"  {s.Optimizer}: {s.Reason}" : $"  {s.Optimizer} on {s.Problem}: {s.Reason}");
        }
    }

    /// <summary>Compares with the reference; also returns the counts of the summary line.</summary>
    public static (int BestWins, int BestCompared, int DefaultWins, int DefaultCompared) Compare(OptimizerBenchmarkReport report, ReferenceResults reference)
    {
        int bestWins = 0, bestCompared = 0, defaultWins = 0, defaultCompared = 0;
        foreach (var p in report.Problems)
        {
            if (BestOurs(report, p) is { } ours && reference.Best(p) is { } theirs)
            {
                bestCompared++;
                if (ours.Regret < theirs.Figures.MedianRegret) bestWins++;
            }
            if (report.Get(p, OptimizerConfiguration.DefaultName) is { } mine && reference.Get(p, ReferenceResults.DefaultSamplerName) is { } tpe)
            {
                defaultCompared++;
                if (mine.MedianRegret < tpe.MedianRegret) defaultWins++;
            }
        }
        return (bestWins, bestCompared, defaultWins, defaultCompared);
    }

    private static void WriteComparison(OptimizerBenchmarkReport report, TextWriter writer, ReferenceResults reference, string name)
    {
        writer.WriteLine();
        writer.WriteLine($"Compared with {name} (median final regret; lower is better)");
        var table = new TextTable("problem", "best ours", "", $"best {name}", "", $"{name} {ReferenceResults.DefaultSamplerName}",
            OptimizerConfiguration.DefaultName, "best vs best", $"default vs {ReferenceResults.DefaultSamplerName}");
        foreach (var p in report.Problems)
        {
            var ours = BestOurs(report, p);
            var theirs = reference.Best(p);
            var theirDefault = reference.Get(p, ReferenceResults.DefaultSamplerName);
            var mine = report.Get(p, OptimizerConfiguration.DefaultName);
            table.Add(p,
                ours is { } o ? Number(o.Regret) : "-", ours?.Name ?? "",
                theirs is { } t ? Number(t.Figures.MedianRegret) : "-", theirs?.Sampler ?? "",
                theirDefault is { } d ? Number(d.MedianRegret) : "-",
                mine is { } m ? Number(m.MedianRegret) : "-",
                Verdict(ours?.Regret, theirs?.Figures.MedianRegret),
                Verdict(mine?.MedianRegret, theirDefault?.MedianRegret));
        }
        table.Write(writer);
        var (bestWins, bestCompared, defaultWins, defaultCompared) = Compare(report, reference);
        writer.WriteLine();
        var defaultPart = report.Optimizers.Contains(OptimizerConfiguration.DefaultName) && defaultCompared > 0
            ? $"default beats {name} {ReferenceResults.DefaultSamplerName.ToUpperInvariant()} on {defaultWins}/{defaultCompared}"
            : $"default not compared (run the '{OptimizerConfiguration.DefaultName}' setup)";
        writer.WriteLine($"best-of-ours beats best {name} on {bestWins}/{bestCompared}, {defaultPart}");
    }

    /// <summary>The goal for parallel workers: median regret at most this many times the sequential one.</summary>
    public const double ParallelQualityGoal = 1.2;

    /// <summary>
    /// Regrets at or below this count as solved when compared with a baseline (COCO's finest target precision):
    /// below it, the differences between two runs are float rounding in the objective and the optimizer, not a
    /// loss a user could notice.
    /// </summary>
    public const double SolvedRegret = 1e-8;

    /// <summary>
    /// Per setup and problem, this run's median regret divided by the baseline's, each raised to
    /// <see cref="SolvedRegret"/> first (so 1 when both solved the problem); setups or problems the baseline lacks
    /// are left out.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> BaselineRatios(OptimizerBenchmarkReport report, ReferenceResults baseline) =>
        AgainstBaseline(report, baseline, (mine, theirs) =>
            (double?)(Math.Max(mine.MedianRegret, SolvedRegret) / Math.Max(theirs.MedianRegret, SolvedRegret)));

    private static void WriteBaselineComparison(OptimizerBenchmarkReport report, TextWriter writer, ReferenceResults baseline)
    {
        var ratios = BaselineRatios(report, baseline);
        writer.WriteLine();
        if (ratios.Count == 0)
        {
            writer.WriteLine("Compared with the baseline: it has none of this run's setups on these problems");
            return;
        }
        writer.WriteLine($"Compared with the baseline (median final regret of this run / the baseline's; goal with parallel workers: at most {Goal})");
        var table = new TextTable(ratios.Keys.Prepend("problem").ToArray());
        var anySolved = false;
        foreach (var p in report.Problems)
            table.Add(ratios.Keys.Select(o =>
            {
                if (!ratios[o].TryGetValue(p, out var x)) return "-";
                if (report.Get(p, o)!.MedianRegret > SolvedRegret || baseline.Get(p, o)!.MedianRegret > SolvedRegret) return GoalRatio(x);
                anySolved = true;
                return "solved";
            }).Prepend(p).ToArray());
        table.Write(writer);
        if (anySolved)
            writer.WriteLine($"solved: both medians at most {SolvedRegret.ToString("0e-0", CultureInfo.InvariantCulture)}, counted as a ratio of 1 (the regret tables show the figures)");

        var intervals = BaselineIntervals(report, baseline);
        if (intervals.Count > 0)
        {
            writer.WriteLine();
            writer.WriteLine($"90% interval of each ratio (the seeds resampled {PairedBootstrap.Resamples} times, each keeping its pair of regrets)");
            var spread = new TextTable(ratios.Keys.Prepend("problem").ToArray());
            foreach (var p in report.Problems)
                spread.Add(ratios.Keys.Select(o => intervals.TryGetValue(o, out var byProblem) && byProblem.TryGetValue(p, out var i)
                    ? $"{Ratio(i.Low)}-{Ratio(i.High)}"
                    : "-").Prepend(p).ToArray());
            spread.Write(writer);
        }

        writer.WriteLine();
        foreach (var (o, r) in ratios)
        {
            var within = r.Values.Count(x => x <= ParallelQualityGoal);
            var finite = r.Values.Where(double.IsFinite).ToArray();
            var geoMean = finite.Length == 0 ? double.NaN : Math.Exp(finite.Average(x => Math.Log(Math.Max(x, 1e-300))));
            var sure = intervals.TryGetValue(o, out var byProblem)
                ? $" (the interval lies wholly above {Goal} on {byProblem.Values.Count(i => i.Low > ParallelQualityGoal)}/{byProblem.Count}" +
                  $" and wholly at or below it on {byProblem.Values.Count(i => i.High <= ParallelQualityGoal)}/{byProblem.Count})"
                : "";
            writer.WriteLine($"{o}: within {Goal}x of the baseline on {within}/{r.Count}{sure}, geometric mean of the ratios {Ratio(geoMean)}");
        }
    }

    /// <summary>
    /// Per setup and problem, the 90% paired-bootstrap interval of the ratio in <see cref="BaselineRatios"/>, where
    /// both runs list their regrets by seed for the same number of seeds (see <see cref="PairedBootstrap"/>).
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, (double Low, double High)>> BaselineIntervals(OptimizerBenchmarkReport report, ReferenceResults baseline) =>
        AgainstBaseline(report, baseline, (mine, theirs) =>
            theirs.Regrets is { Count: > 0 } regrets && regrets.Count == mine.Regrets.Count
                ? PairedBootstrap.MedianRatioInterval(mine.Regrets, regrets, SolvedRegret)
                : ((double Low, double High)?)null);

    /// <summary>
    /// Per setup and problem that both this run and the baseline have, what <paramref name="compare"/> makes of the two
    /// (null: left out); setups left with no problem are left out too.
    /// </summary>
    private static IReadOnlyDictionary<string, IReadOnlyDictionary<string, T>> AgainstBaseline<T>(OptimizerBenchmarkReport report, ReferenceResults baseline,
        Func<OptimizerResult, ReferenceFigures, T?> compare) where T : struct
    {
        var bySetup = new Dictionary<string, IReadOnlyDictionary<string, T>>(StringComparer.Ordinal);
        foreach (var o in report.Optimizers)
        {
            var byProblem = new Dictionary<string, T>(StringComparer.Ordinal);
            foreach (var p in report.Problems)
                if (report.Get(p, o) is { } mine && baseline.Get(p, o) is { } theirs && compare(mine, theirs) is { } value)
                    byProblem[p] = value;
            if (byProblem.Count > 0) bySetup[o] = byProblem;
        }
        return bySetup;
    }

    private static string Goal => ParallelQualityGoal.ToString(CultureInfo.InvariantCulture);

    /// <summary>A ratio against the parallel goal, with a third decimal where two would hide which side of it it is on.</summary>
    private static string GoalRatio(double value) =>
        double.IsFinite(value) && (Math.Round(value, 2) <= ParallelQualityGoal) != (value <= ParallelQualityGoal)
            ? value.ToString("0.000", CultureInfo.InvariantCulture)
            : Ratio(value);

    private static string Ratio(double value) =>
        double.IsPositiveInfinity(value) ? "inf" : double.IsNaN(value) ? "-" : value.ToString("0.00", CultureInfo.InvariantCulture);

    private static (string Name, double Regret)? BestOurs(OptimizerBenchmarkReport report, string problem) =>
        report.Optimizers
            .Select(o => (Name: o, Result: report.Get(problem, o)))
            .Where(x => x.Result is not null && !double.IsNaN(x.Result.MedianRegret))
            .OrderBy(x => x.Result!.MedianRegret)
            .Select(x => ((string, double)?)(x.Name, x.Result!.MedianRegret))
            .FirstOrDefault();

    private static string Verdict(double? ours, double? theirs)
    {
        if (ours is not { } a || theirs is not { } b) return "";
        if (a < b) return b > 0 && a > 0 ? $"win x{(b / a).ToString("0.0", CultureInfo.InvariantCulture)}" : "win";
        if (a == b) return "tie";
        return a > 0 && b > 0 ? $"lose x{(a / b).ToString("0.0", CultureInfo.InvariantCulture)}" : "lose";
    }

    /// <summary>A regret for a table: 3 significant digits, exponent form when very small or large.</summary>
    public static string Number(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsPositiveInfinity(value)) return "inf";
        var magnitude = Math.Abs(value);
        return magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e5)
            ? value.ToString("0.00e+0", CultureInfo.InvariantCulture)
            : value.ToString("G3", CultureInfo.InvariantCulture);
    }

    private static string Milliseconds(double value) =>
        double.IsNaN(value) ? "-" : value.ToString(value < 10 ? "0.000" : "0.0", CultureInfo.InvariantCulture);
}
