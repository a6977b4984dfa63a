using System.Text.Json;

namespace HyperTune.Benchmarks;

/// <summary>
/// The outcome of <see cref="OptimizerBenchmark.Run"/>: per problem and optimizer setup the median and mean final
/// regret, the seconds taken and the median suggest time, plus the setups that were skipped.
/// </summary>
/// <param name="Budget">Trials per study.</param>
/// <param name="Seeds">Seeds per problem and setup (<see cref="FirstSeed"/> .. FirstSeed+Seeds-1).</param>
/// <param name="Pending">Trials in flight at once.</param>
/// <param name="Problems">Problem names, in suite order.</param>
/// <param name="Optimizers">Setup names, in the order asked for (including skipped ones).</param>
/// <param name="Results">Problem → setup → figures; a setup skipped on a problem has no entry.</param>
/// <param name="Skipped">Setups that did not run, and why.</param>
public sealed record OptimizerBenchmarkReport(
    int Budget,
    int Seeds,
    int Pending,
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> Optimizers,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, OptimizerResult>> Results,
    IReadOnlyList<SkippedBenchmark> Skipped)
{
    /// <summary>The first seed.</summary>
    public int FirstSeed { get; init; }

    /// <summary>The figures of a setup on a problem, or null when it did not run there.</summary>
    public OptimizerResult? Get(string problem, string optimizer) =>
        Results.TryGetValue(problem, out var byOptimizer) && byOptimizer.TryGetValue(optimizer, out var r) ? r : null;

    /// <summary>
    /// Writes the report as JSON in the reference file's shape:
    /// <c>{"budget": B, "seeds": S, "results": {PROBLEM: {OPTIMIZER: {"median_regret": X, "mean_regret": X, "secs": X, ...}}}}</c>.
    /// Each entry also has <c>median_suggest_ms</c> and <c>regrets</c> (by seed); the top level also has
    /// <c>first_seed</c>, <c>pending</c> and <c>skipped</c> (a list of <c>{"optimizer", "problem", "reason"}</c>). Non-finite numbers
    /// (a study with no completed trial) are written as null.
    /// </summary>
    public void WriteJson(Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteNumber("budget", Budget);
        w.WriteNumber("seeds", Seeds);
        w.WriteNumber("first_seed", FirstSeed);
        w.WriteNumber("pending", Pending);
        w.WriteStartObject("results");
        foreach (var problem in Problems)
        {
            if (!Results.TryGetValue(problem, out var byOptimizer) || byOptimizer.Count == 0) continue;
            w.WriteStartObject(problem);
            foreach (var optimizer in Optimizers)
            {
                if (!byOptimizer.TryGetValue(optimizer, out var r)) continue;
                w.WriteStartObject(optimizer);
                BenchmarkJson.WriteNumber(w, "median_regret", r.MedianRegret);
                BenchmarkJson.WriteNumber(w, "mean_regret", r.MeanRegret);
                BenchmarkJson.WriteNumber(w, "secs", Math.Round(r.Seconds, 3));
                BenchmarkJson.WriteNumber(w, "median_suggest_ms", Math.Round(r.MedianSuggestMilliseconds, 4));
                BenchmarkJson.WriteRegrets(w, r.Regrets);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
        BenchmarkJson.WriteSkipped(w, Skipped, "optimizer", withProblem: true);
        w.WriteEndObject();
    }

    /// <summary>The JSON text of <see cref="WriteJson"/>.</summary>
    public string ToJson() => BenchmarkJson.ToText(WriteJson);

    /// <summary>Writes the JSON to a file.</summary>
    public void SaveJson(string path) => BenchmarkJson.Save(path, WriteJson);

    /// <summary>The report's median regrets as reference figures (to compare two runs of ours).</summary>
    public ReferenceResults ToReference() => new(Results.ToDictionary(
        p => p.Key,
        p => (IReadOnlyDictionary<string, ReferenceFigures>)p.Value.ToDictionary(o => o.Key, o => new ReferenceFigures(o.Value.MedianRegret, o.Value.MeanRegret, o.Value.Seconds) { Regrets = o.Value.Regrets })));
}
