using System.Globalization;
using System.Text.Json;
using HyperTune.Benchmarks;

namespace HyperTune.Cli.Commands.Bench;

/// <summary>The ML benchmark's table beside the reference searches, its goal lines, and its JSON.</summary>
internal static class MlBenchReport
{
    /// <summary>One row per data set and scheduler (medians over seeds), the reference's rows, then the goals.</summary>
    public static void WriteTable(IReadOnlyList<MlBenchResult> results, MlReference reference, TextWriter output)
    {
        var table = new TextTable("data set", "search", "metric", "median cv", "median test", "median s", "folds run");
        foreach (var byDataset in results.GroupBy(r => r.Dataset))
        {
            var dataset = MlBenchDataset.Get(byDataset.Key);
            foreach (var group in byDataset.GroupBy(r => r.Scheduler))
                table.Add(dataset.Name, $"lightgbm {group.Key}", dataset.Metric, F(Median(group, r => r.CrossValidated)),
                    F(Median(group, r => r.Test)), Median(group, r => r.Seconds).ToString("0.0", CultureInfo.InvariantCulture),
                    Percent(group.Sum(r => r.FoldsRun), group.Sum(r => r.FoldsFull)));
            foreach (var s in reference.Searches.GetValueOrDefault(dataset.Name) ?? [])
                table.Add("", $"sklearn {s.Name}", s.Metric, F(s.MedianCv), F(s.MedianTest),
                    s.MedianSeconds.ToString("0.0", CultureInfo.InvariantCulture), "");
        }
        table.Write(output);
        output.WriteLine($"reference: {reference.Source} (its seconds come from another session: see the note)");
        foreach (var line in GoalLines(results, reference)) output.WriteLine(line);
    }

    /// <summary>
    /// Per data set and scheduler: the median test score at least as good as the best reference search's, and the
    /// median wall time at most half of scikit-learn's random search.
    /// </summary>
    public static IEnumerable<string> GoalLines(IReadOnlyList<MlBenchResult> results, MlReference reference)
    {
        foreach (var group in results.GroupBy(r => (r.Dataset, r.Scheduler)))
        {
            var dataset = MlBenchDataset.Get(group.Key.Dataset);
            if (reference.Searches.GetValueOrDefault(dataset.Name) is not { Count: > 0 } searches) continue;
            var ours = Median(group, r => r.Test);
            var best = dataset.Maximize ? searches.MaxBy(s => s.MedianTest)! : searches.MinBy(s => s.MedianTest)!;
            var met = dataset.Maximize ? ours >= best.MedianTest : ours <= best.MedianTest;
            yield return $"goal ({dataset.Name}, {group.Key.Scheduler}, test {dataset.Metric}): median {F(ours)} vs best " +
                         $"reference {F(best.MedianTest)} ({best.Name}): {(met ? "met" : "not met")}";
            if (searches.FirstOrDefault(s => s.Name == "random") is { } random)
            {
                var seconds = Median(group, r => r.Seconds);
                yield return string.Create(CultureInfo.InvariantCulture,
                    $"goal ({dataset.Name}, {group.Key.Scheduler}, time): median {seconds:0.0}s vs half of sklearn random's " +
                    $"{random.MedianSeconds:0.0}s = {random.MedianSeconds / 2:0.0}s: {(seconds <= random.MedianSeconds / 2 ? "met" : "not met")}");
            }
        }
    }

    /// <summary>Every study's figures as JSON.</summary>
    public static void WriteJson(MlBenchmarkOptions options, IReadOnlyList<MlBenchResult> results, Stream output)
    {
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        JsonSerializer.Serialize(writer, new
        {
            options.Trials, options.Folds, options.Slots, options.Seeds, options.Optimizer,
            results = results.Select(r => new
            {
                dataset = r.Dataset, scheduler = r.Scheduler, seed = r.Seed, cv = r.CrossValidated, test = r.Test,
                seconds = r.Seconds, trials = r.Trials, pruned = r.Pruned, foldsRun = r.FoldsRun, foldsFull = r.FoldsFull,
            }),
        });
    }

    private static double Median(IEnumerable<MlBenchResult> results, Func<MlBenchResult, double> value) =>
        Statistics.Median(results.Select(value));

    private static string F(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string Percent(long part, long whole) =>
        whole == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * part / whole:0}% ({part}/{whole})");
}
