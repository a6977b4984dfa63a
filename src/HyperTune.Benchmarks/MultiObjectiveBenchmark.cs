using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Pareto;
using HyperTune.Core.Studies;
using HyperTune.Trainables.Functions;

namespace HyperTune.Benchmarks;

/// <summary>
/// <c>hypertune bench multiobjective</c>: studies of the multi-objective suite (<see cref="MultiObjectiveProblems"/>)
/// through <see cref="OptimizationLoop"/>, scored by hypervolume regret (the true front's hypervolume minus that
/// of the study's feasible non-dominated trials), against Optuna's figures (<c>optuna_mo_200.json</c>).
/// </summary>
public static class MultiObjectiveBenchmark
{
    /// <summary>The setups run unless others are named, in table order.</summary>
    public static IReadOnlyList<OptimizerConfiguration> StandardSetups { get; } = new OptimizerConfiguration[]
    {
        new("random", "random"),
        new("nsga2", "evolution"),
        new("tpe", "tpe"),
        new("gp", "gp"),
        new(OptimizerConfiguration.DefaultName, null),
    };

    private const string EmbeddedReference = "HyperTune.Benchmarks.Reference.optuna_mo_200.json";

    /// <summary>One setup on one problem over every seed.</summary>
    /// <param name="Regrets">Hypervolume regret per seed.</param>
    /// <param name="Seconds">Wall time per study, per seed.</param>
    public sealed record SetupResult(IReadOnlyList<double> Regrets, IReadOnlyList<double> Seconds)
    {
        /// <summary>The median regret.</summary>
        public double MedianRegret => Statistics.Median(Regrets);

        /// <summary>The mean regret.</summary>
        public double MeanRegret => Regrets.Average();

        /// <summary>The mean wall time of a study.</summary>
        public double MeanSeconds => Seconds.Average();
    }

    /// <summary>A reference library's figures for one setup on one problem.</summary>
    public sealed record ReferenceSetup(double MedianRegret, double MeanRegret, double Seconds);

    /// <summary>The hypervolume regret of a study of <paramref name="problem"/>.</summary>
    public static double Regret(MultiObjectiveProblem problem, TrialHistory history)
    {
        var front = history.ParetoFront.Where(history.IsFeasible).Select(t => history.Losses(t)!).ToList();
        return problem.FrontHypervolume - Hypervolume.Compute(front, problem.Reference);
    }

    /// <summary>Runs one study: <paramref name="setup"/> on <paramref name="problem"/> for one seed.</summary>
    public static TrialHistory Study(MultiObjectiveProblem problem, OptimizerConfiguration setup, int budget, long seed)
    {
        var optimizer = OptimizerFactory.Create(setup.ToSpec(seed), problem.Space, StudyDirection.Minimize);
        return OptimizationLoop.Run(optimizer, c => problem.Metrics(c), budget, problem.ObjectiveMetrics,
            Array.Empty<MetricConstraint>());
    }

    /// <summary>Every setup on every problem over seeds <paramref name="firstSeed"/>.. (problem → setup → result).</summary>
    public static Dictionary<string, Dictionary<string, SetupResult>> Run(IReadOnlyList<MultiObjectiveProblem> problems,
        IReadOnlyList<OptimizerConfiguration> setups, int budget, int seeds, int firstSeed = 0, TextWriter? progress = null)
    {
        var results = new Dictionary<string, Dictionary<string, SetupResult>>();
        foreach (var problem in problems)
        {
            results[problem.Name] = new Dictionary<string, SetupResult>();
            foreach (var setup in setups)
            {
                var regrets = new List<double>();
                var seconds = new List<double>();
                for (var seed = firstSeed; seed < firstSeed + seeds; seed++)
                {
                    var watch = Stopwatch.StartNew();
                    var history = Study(problem, setup, budget, seed);
                    seconds.Add(watch.Elapsed.TotalSeconds);
                    regrets.Add(Regret(problem, history));
                }
                results[problem.Name][setup.Name] = new SetupResult(regrets, seconds);
                progress?.WriteLine($"{problem.Name} {setup.Name}: median HV regret {Statistics.Median(regrets):0.0000}, " +
                                    $"{seconds.Average():0.00} s per study");
            }
        }
        return results;
    }

    /// <summary>The results as JSON: <c>{"budget", "seeds", "results": {PROBLEM: {SETUP: {...}}}}</c>.</summary>
    public static string ToJson(Dictionary<string, Dictionary<string, SetupResult>> results, int budget, int seeds, int firstSeed)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("budget", budget);
            w.WriteNumber("seeds", seeds);
            w.WriteNumber("first_seed", firstSeed);
            w.WriteStartObject("results");
            foreach (var (problem, setups) in results)
            {
                w.WriteStartObject(problem);
                foreach (var (setup, r) in setups)
                {
                    w.WriteStartObject(setup);
                    w.WriteNumber("median_hv_regret", r.MedianRegret);
                    w.WriteNumber("mean_hv_regret", r.MeanRegret);
                    w.WriteNumber("secs", Math.Round(r.MeanSeconds, 3));
                    w.WriteStartArray("hv_regrets");
                    foreach (var v in r.Regrets) w.WriteNumberValue(v);
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Reads reference figures (problem → setup → figures) from a file, or the embedded Optuna figures when null.</summary>
    /// <exception cref="FormatException">The text is not in the benchmark's shape.</exception>
    public static (Dictionary<string, Dictionary<string, ReferenceSetup>> Figures, int? Budget, int? Seeds) ReadReference(string? path)
    {
        string text;
        if (path is null)
        {
            using var stream = typeof(MultiObjectiveBenchmark).Assembly.GetManifestResourceStream(EmbeddedReference)
                ?? throw new InvalidOperationException($"resource {EmbeddedReference} is missing from the build");
            text = new StreamReader(stream).ReadToEnd();
        }
        else text = File.ReadAllText(path);
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            var figures = new Dictionary<string, Dictionary<string, ReferenceSetup>>();
            foreach (var problem in root.GetProperty("results").EnumerateObject())
            {
                figures[problem.Name] = new Dictionary<string, ReferenceSetup>();
                foreach (var setup in problem.Value.EnumerateObject())
                    figures[problem.Name][setup.Name] = new ReferenceSetup(setup.Value.GetProperty("median_hv_regret").GetDouble(),
                        setup.Value.GetProperty("mean_hv_regret").GetDouble(), setup.Value.GetProperty("secs").GetDouble());
            }
            int? Int(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
            return (figures, Int("budget"), Int("seeds"));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"{path ?? "optuna_mo_200.json (embedded)"}: not a multi-objective benchmark file " +
                                      $"({{\"results\": {{PROBLEM: {{SETUP: {{\"median_hv_regret\", \"mean_hv_regret\", \"secs\"}}}}}}}}): {e.Message}");
        }
    }

    /// <summary>
    /// Writes one table per problem (our setups, then the reference's, each with median and mean regret and seconds
    /// per study) and the issue's goal lines: our best setup's median at or below the reference's best on every
    /// problem and strictly below on at least three; that setup at most a twentieth of the reference's
    /// multi-objective TPE time per study.
    /// </summary>
    public static void Write(Dictionary<string, Dictionary<string, SetupResult>> results,
        Dictionary<string, Dictionary<string, ReferenceSetup>>? reference, TextWriter output)
    {
        static string F(double v) => v.ToString(v != 0 && Math.Abs(v) < 1e-3 ? "0.00e+0" : "0.0000", CultureInfo.InvariantCulture);
        foreach (var (problem, setups) in results)
        {
            var table = new TextTable("setup", "median HV regret", "mean HV regret", "s per study");
            foreach (var (name, r) in setups) table.Add(name, F(r.MedianRegret), F(r.MeanRegret), r.MeanSeconds.ToString("0.00", CultureInfo.InvariantCulture));
            if (reference?.GetValueOrDefault(problem) is { } theirs)
                foreach (var (name, r) in theirs)
                    table.Add($"optuna {name}", F(r.MedianRegret), F(r.MeanRegret), r.Seconds.ToString("0.00", CultureInfo.InvariantCulture));
            output.WriteLine($"{problem}:");
            table.Write(output);
            output.WriteLine();
        }
        if (reference is null) return;
        var shared = results.Keys.Where(reference.ContainsKey).ToList();
        if (shared.Count == 0) return;
        // The best setup overall: the one meeting the quality goal on most problems, then the lowest summed median.
        var best = results.Values.SelectMany(s => s.Keys).Distinct().Select(setup =>
        {
            var atOrBelow = 0;
            var below = 0;
            var timeOk = 0;
            var sum = 0.0;
            foreach (var problem in shared)
            {
                if (!results[problem].TryGetValue(setup, out var ours)) { sum = double.PositiveInfinity; continue; }
                var theirBest = reference[problem].Values.Min(r => r.MedianRegret);
                if (ours.MedianRegret <= theirBest + 1e-12) atOrBelow++;
                if (ours.MedianRegret < theirBest - 1e-12) below++;
                if (reference[problem].TryGetValue("motpe", out var motpe) && ours.MeanSeconds <= motpe.Seconds / 20) timeOk++;
                sum += ours.MedianRegret;
            }
            return (Setup: setup, AtOrBelow: atOrBelow, Below: below, TimeOk: timeOk, Sum: sum);
        }).OrderByDescending(b => b.AtOrBelow).ThenByDescending(b => b.Below).ThenBy(b => b.Sum).First();
        var met = best.AtOrBelow == shared.Count && best.Below >= Math.Min(3, shared.Count);
        output.WriteLine($"goal (best setup '{best.Setup}'): median HV regret at or below Optuna's best on " +
                         $"{best.AtOrBelow}/{shared.Count} problems, strictly below on {best.Below}: {(met ? "met" : "not met")}");
        output.WriteLine($"goal (time): '{best.Setup}' takes at most 1/20 of Optuna's motpe time per study on " +
                         $"{best.TimeOk}/{shared.Count}: {(best.TimeOk == shared.Count ? "met" : "not met")}");
    }
}
