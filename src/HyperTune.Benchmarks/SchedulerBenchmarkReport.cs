using System.Text.Json;

namespace HyperTune.Benchmarks;

/// <summary>
/// The outcome of <see cref="SchedulerBenchmark.Run"/>: per problem and setup the median and mean final regret, the
/// median number of trials started, the seconds taken and the slots' utilization, plus the setups that were skipped.
/// </summary>
/// <param name="BudgetRuns">Budget of each study in full training runs.</param>
/// <param name="Seeds">Seeds per problem and setup.</param>
/// <param name="Parallelism">Worker slots of each simulated study.</param>
/// <param name="Problems">Problem names, in suite order.</param>
/// <param name="Setups">Setup names, in the order asked for (including skipped ones).</param>
/// <param name="Results">Problem → setup → figures; a setup skipped on a problem has no entry.</param>
/// <param name="Skipped">Setups that did not run, and why (<see cref="SkippedBenchmark.Optimizer"/> is the setup).</param>
public sealed record SchedulerBenchmarkReport(
    int BudgetRuns,
    int Seeds,
    int Parallelism,
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> Setups,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, SchedulerResult>> Results,
    IReadOnlyList<SkippedBenchmark> Skipped)
{
    /// <summary>The first seed.</summary>
    public int FirstSeed { get; init; }

    /// <summary>The trial budget of each study, or null when only the step budget ends a study.</summary>
    public int? MaxTrials { get; init; }

    /// <summary>The figures of a setup on a problem, or null when it did not run there.</summary>
    public SchedulerResult? Get(string problem, string setup) =>
        Results.TryGetValue(problem, out var bySetup) && bySetup.TryGetValue(setup, out var r) ? r : null;

    /// <summary>
    /// Writes the report as JSON in the shape of the reference file (optuna_fidelity_30.json):
    /// <c>{"budget_runs", "seeds", "parallelism", "results": {PROBLEM: {SETUP: {"median_regret", "mean_regret",
    /// "median_trials", "secs", "utilization", "regrets"}}}}</c>, plus <c>first_seed</c>, <c>max_trials</c> and
    /// <c>skipped</c> (a list of <c>{"setup", "problem", "reason"}</c>). Non-finite numbers (no trial reached the
    /// last step) are null.
    /// </summary>
    public void WriteJson(Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteNumber("budget_runs", BudgetRuns);
        w.WriteNumber("seeds", Seeds);
        w.WriteNumber("first_seed", FirstSeed);
        w.WriteNumber("parallelism", Parallelism);
        if (MaxTrials is { } maxTrials) w.WriteNumber("max_trials", maxTrials);
        else w.WriteNull("max_trials");
        w.WriteStartObject("results");
        foreach (var problem in Problems)
        {
            if (!Results.TryGetValue(problem, out var bySetup) || bySetup.Count == 0) continue;
            w.WriteStartObject(problem);
            foreach (var setup in Setups)
            {
                if (!bySetup.TryGetValue(setup, out var r)) continue;
                w.WriteStartObject(setup);
                BenchmarkJson.WriteNumber(w, "median_regret", r.MedianRegret);
                BenchmarkJson.WriteNumber(w, "mean_regret", r.MeanRegret);
                BenchmarkJson.WriteNumber(w, "median_trials", r.MedianTrials);
                BenchmarkJson.WriteNumber(w, "secs", Math.Round(r.Seconds, 3));
                BenchmarkJson.WriteNumber(w, "utilization", Math.Round(r.Utilization, 4));
                BenchmarkJson.WriteRegrets(w, r.Regrets);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
        BenchmarkJson.WriteSkipped(w, Skipped, "setup", withProblem: true);
        w.WriteEndObject();
    }

    /// <summary>The JSON text of <see cref="WriteJson"/>.</summary>
    public string ToJson() => BenchmarkJson.ToText(WriteJson);

    /// <summary>Writes the JSON to a file.</summary>
    public void SaveJson(string path) => BenchmarkJson.Save(path, WriteJson);
}
