using System.Diagnostics;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;
using HyperTune.Trainables.Functions;

namespace HyperTune.Benchmarks;

/// <summary>
/// Runs optimizer setups on the benchmark suite (<see cref="BenchmarkSuite"/>), seeds F .. F+S-1, each study through
/// <see cref="OptimizationLoop"/>, and summarizes the final regrets. Studies run in parallel, but each is a pure
/// function of (problem, setup, seed, budget, pending), and results are gathered in a fixed order, so the report's
/// regrets do not depend on the degree of parallelism or on scheduling (timings, of course, do).
/// </summary>
public static class OptimizerBenchmark
{
    /// <summary>Runs the benchmark.</summary>
    /// <param name="options">What to run.</param>
    /// <param name="onStudyDone">Called after each study, from worker threads (for progress output).</param>
    /// <param name="cancellationToken">Stops starting new studies.</param>
    /// <exception cref="ArgumentException">Bad options or an unknown problem name.</exception>
    public static OptimizerBenchmarkReport Run(OptimizerBenchmarkOptions options, Action<StudyRun>? onStudyDone = null,
        CancellationToken cancellationToken = default)
    {
        options.Validate();
        var problems = ResolveProblems(options.Problems);
        var configurations = options.ResolveConfigurations();
        var skipped = new List<SkippedBenchmark>();
        var studies = new List<(BenchmarkProblem Problem, OptimizerConfiguration Configuration, int Seed)>();
        foreach (var configuration in configurations)
        {
            if (!OptimizerFactory.IsKnown(configuration.ResolvedType))
            {
                skipped.Add(new SkippedBenchmark(configuration.Name, null, $"optimizer '{configuration.ResolvedType}' is not available in this build"));
                continue;
            }
            foreach (var problem in problems)
            {
                if (Refusal(problem, configuration) is { } reason)
                {
                    skipped.Add(new SkippedBenchmark(configuration.Name, problem.Name, reason));
                    continue;
                }
                for (var seed = options.FirstSeed; seed < options.FirstSeed + options.Seeds; seed++) studies.Add((problem, configuration, seed));
            }
        }

        var runs = new StudyRun[studies.Count];
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism ?? Environment.ProcessorCount,
            CancellationToken = cancellationToken,
        };
        Parallel.For(0, studies.Count, parallel, i =>
        {
            var (problem, configuration, seed) = studies[i];
            runs[i] = RunStudy(problem, configuration, seed, options.Budget, options.Pending, options.KeepHistories);
            onStudyDone?.Invoke(runs[i]);
        });

        var results = new Dictionary<string, IReadOnlyDictionary<string, OptimizerResult>>(StringComparer.Ordinal);
        foreach (var problem in problems)
        {
            var byOptimizer = new Dictionary<string, OptimizerResult>(StringComparer.Ordinal);
            foreach (var configuration in configurations)
            {
                var mine = runs.Where(r => r.Problem == problem.Name && r.Optimizer == configuration.Name).OrderBy(r => r.Seed).ToArray();
                if (mine.Length == 0) continue;
                byOptimizer[configuration.Name] = new OptimizerResult(
                    Statistics.Median(mine.Select(r => r.Regret)),
                    Statistics.Mean(mine.Select(r => r.Regret)),
                    mine.Sum(r => r.Seconds),
                    Statistics.Median(mine.SelectMany(r => r.SuggestMilliseconds)),
                    mine);
            }
            results[problem.Name] = byOptimizer;
        }
        return new OptimizerBenchmarkReport(options.Budget, options.Seeds, options.Pending,
            problems.Select(p => p.Name).ToArray(), configurations.Select(c => c.Name).ToArray(), results, skipped)
        {
            FirstSeed = options.FirstSeed,
        };
    }

    /// <summary>Runs one study and measures its final regret, its duration and every Suggest call.</summary>
    public static StudyRun RunStudy(BenchmarkProblem problem, OptimizerConfiguration configuration, int seed, int budget, int pending,
        bool keepHistory = false)
    {
        var optimizer = OptimizerFactory.Create(configuration.ToSpec(seed), problem.Space, StudyDirection.Minimize);
        var suggestTimes = new List<double>(budget);
        var started = Stopwatch.GetTimestamp();
        var history = OptimizationLoop.Run(optimizer, c => problem.Evaluate(c), budget, StudyDirection.Minimize, pending,
            t => suggestTimes.Add(t.TotalMilliseconds));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var best = history.Best?.Value;
        return new StudyRun(problem.Name, configuration.Name, seed, best, best is { } b ? b - problem.Optimum : double.PositiveInfinity,
            seconds, suggestTimes, keepHistory ? history : null);
    }

    /// <summary>The suite's problems with the given names (all when null), in suite order.</summary>
    /// <exception cref="ArgumentException">A name is not a problem of the suite.</exception>
    public static IReadOnlyList<BenchmarkProblem> ResolveProblems(IReadOnlyList<string>? names)
    {
        if (names is null) return BenchmarkSuite.Problems;
        var wanted = names.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()).ToArray();
        foreach (var name in wanted)
            if (BenchmarkSuite.Find(name) is null)
                throw new ArgumentException($"unknown problem '{name}'; known: {string.Join(", ", BenchmarkSuite.All.Select(p => p.Name))}" +
                    JsonSettings.Suggest(name, BenchmarkSuite.All.Select(p => p.Name)), nameof(names));
        var problems = BenchmarkSuite.All.Where(p => wanted.Contains(p.Name, StringComparer.OrdinalIgnoreCase)).ToArray();
        if (problems.Length == 0) throw new ArgumentException("--problems names no problem", nameof(names));
        return problems;
    }

    // Why a setup cannot run on a problem (its settings are invalid, or it refuses the space), or null.
    private static string? Refusal(BenchmarkProblem problem, OptimizerConfiguration configuration)
    {
        try
        {
            OptimizerFactory.Create(configuration.ToSpec(0), problem.Space, StudyDirection.Minimize);
            return null;
        }
        catch (SpecException e)
        {
            return e.Message;
        }
    }
}
