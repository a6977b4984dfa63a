using System.Diagnostics;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Randomness;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;
using HyperTune.Trainables.Functions;

namespace HyperTune.Benchmarks;

/// <summary>
/// Measures how long Suggest takes as the history grows: on the 6-D space of hartmann6, histories of random
/// configurations with their hartmann6 values (all completed), and per optimizer setup and history size the
/// median and 90th percentile of timed calls after warm-up. Each call goes to a freshly built optimizer (built
/// outside the timing), so no cache from a previous call helps: this is the cost of the first suggestion after
/// a new result, which is what a study pays on every trial. Runs sequentially, to keep timings clean.
/// </summary>
public static class SuggestLatencyBenchmark
{
    /// <summary>The problem whose space and objective the histories use.</summary>
    public const string ProblemName = "hartmann6";

    private static readonly long HistorySalt = SeededRandom.StableHash("bench.latency.history");

    /// <summary>Runs the measurements.</summary>
    /// <param name="options">What to measure.</param>
    /// <param name="onMeasured">Called after each entry (for progress output).</param>
    /// <param name="cancellationToken">Stops between calls.</param>
    public static SuggestLatencyReport Run(SuggestLatencyOptions options, Action<SuggestLatency>? onMeasured = null,
        CancellationToken cancellationToken = default)
    {
        options.Validate();
        var problem = BenchmarkSuite.Find(ProblemName)!;
        var sizes = options.HistorySizes.Distinct().OrderBy(s => s).ToArray();
        var histories = sizes.ToDictionary(s => s, s => BuildHistory(problem, s, options.Seed));
        var configurations = options.ResolveConfigurations();
        var entries = new List<SuggestLatency>();
        var skipped = new List<SkippedBenchmark>();
        foreach (var configuration in configurations)
        {
            if (!OptimizerFactory.IsKnown(configuration.ResolvedType))
            {
                skipped.Add(new SkippedBenchmark(configuration.Name, null, $"optimizer '{configuration.ResolvedType}' is not available in this build"));
                continue;
            }
            IOptimizer Build() => OptimizerFactory.Create(configuration.ToSpec(options.Seed), problem.Space, StudyDirection.Minimize);
            try
            {
                Build();
            }
            catch (SpecException e)
            {
                skipped.Add(new SkippedBenchmark(configuration.Name, null, e.Message));
                continue;
            }
            string? tooSlow = null;
            foreach (var size in sizes)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var entry = tooSlow is not null
                    ? new SuggestLatency(configuration.Name, size, double.NaN, double.NaN, 0, tooSlow)
                    : Measure(configuration.Name, Build, histories[size], size, options, cancellationToken);
                if (entry.Skipped is not null) tooSlow ??= $"a smaller history already exceeded {options.MaxCallMilliseconds} ms per call";
                else if (entry.MedianMilliseconds > options.MaxCallMilliseconds) tooSlow = $"median {entry.MedianMilliseconds:0} ms at {size} trials exceeds the cap of {options.MaxCallMilliseconds} ms";
                entries.Add(entry);
                onMeasured?.Invoke(entry);
            }
        }
        return new SuggestLatencyReport(problem.Name, problem.Space.Parameters.Count, sizes,
            configurations.Select(c => c.Name).ToArray(), entries, skipped);
    }

    /// <summary>A history of <paramref name="size"/> completed trials at random configurations, with their values.</summary>
    public static TrialHistory BuildHistory(BenchmarkProblem problem, int size, long seed)
    {
        var trials = new TrialRecord[size];
        for (var n = 0; n < size; n++)
        {
            var config = problem.Space.Sample(SeededRandom.Derive(seed, HistorySalt, n));
            trials[n] = new TrialRecord(n, TrialState.Complete, config) { Value = problem.Evaluate(config) };
        }
        return new TrialHistory(trials, StudyDirection.Minimize);
    }

    private static SuggestLatency Measure(string name, Func<IOptimizer> build, TrialHistory history, int size, SuggestLatencyOptions options,
        CancellationToken cancellationToken)
    {
        for (var i = 0; i < options.WarmupCalls; i++)
        {
            var ms = Time(build(), history, size);
            if (ms > options.MaxCallMilliseconds)
                return new SuggestLatency(name, size, double.NaN, double.NaN, 0, $"a warm-up call took {ms:0} ms, over the cap of {options.MaxCallMilliseconds} ms");
        }
        var times = new List<double>(options.Calls);
        for (var i = 0; i < options.Calls; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            times.Add(Time(build(), history, size));
            // A slow optimizer stops early once enough calls show it is over the cap.
            if (times.Count >= 3 && Statistics.Median(times) > options.MaxCallMilliseconds) break;
        }
        return new SuggestLatency(name, size, Statistics.Median(times), Statistics.Quantile(times, 0.9), times.Count, null);
    }

    private static double Time(IOptimizer optimizer, TrialHistory history, int trialNumber)
    {
        var started = Stopwatch.GetTimestamp();
        optimizer.Suggest(history, trialNumber);
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }
}
