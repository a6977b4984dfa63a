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
/// median and 90th percentile of timed calls after warm-up, two ways. Warm: one optimizer kept across calls, each
/// call seeing one more completed trial, as a study's coordinator keeps its optimizer; this is what a running
/// study pays per trial. Fresh: every call goes to a newly built optimizer (built outside the timing), so no
/// cache helps; this is what the first suggestion after a coordinator's recovery costs. Runs sequentially, to
/// keep timings clean.
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
        // One long history; each size takes a prefix, and warm calls take the prefixes that follow it.
        var longest = BuildHistory(problem, sizes[^1] + options.Calls + options.Pending, options.Seed);
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
                    : Measure(configuration.Name, Build, longest, size, options, cancellationToken);
                if (entry.Skipped is not null) tooSlow ??= $"a smaller history already exceeded {options.MaxCallMilliseconds} ms per call";
                else if (entry.MedianMilliseconds > options.MaxCallMilliseconds) tooSlow = $"median {entry.MedianMilliseconds:0} ms at {size} trials exceeds the cap of {options.MaxCallMilliseconds} ms";
                entries.Add(entry);
                onMeasured?.Invoke(entry);
            }
        }
        return new SuggestLatencyReport(problem.Name, problem.Space.Parameters.Count, sizes,
            configurations.Select(c => c.Name).ToArray(), entries, skipped) { Pending = options.Pending };
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

    private const int WarmupRounds = 3;

    // An optimizer that allocates little may take long to trigger a collection; the warm-up stops waiting for one here.
    private static readonly TimeSpan MaxWarmup = TimeSpan.FromSeconds(5);

    private static SuggestLatency Measure(string name, Func<IOptimizer> build, TrialHistory longest, int size, SuggestLatencyOptions options,
        CancellationToken cancellationToken)
    {
        var pending = options.Pending;
        var history = Prefix(longest, size, pending);
        // Timed calls should run as in a long-running node, and two things settle first. The runtime recompiles hot
        // methods with full optimization in the background, once no new method has needed compiling for a moment:
        // hence rounds with pauses, lasting at least WarmupMilliseconds. And calls ran slower until the garbage
        // collector first recycled the young generation (measured: TPE's fresh calls at 1,000 trials, about 0.55 MB
        // each, took 0.9 ms before the first collection and 0.64 ms after, with tiered compilation off), most likely
        // because until then every allocation lands on memory the process has never touched: hence one collection.
        var warmup = Stopwatch.StartNew();
        var collections = GC.CollectionCount(0);
        var warmupCalls = 0;
        bool Settled(int round) =>
            warmupCalls >= options.WarmupCalls * round / WarmupRounds
            && warmup.Elapsed.TotalMilliseconds >= options.WarmupMilliseconds * round / WarmupRounds
            && (round < WarmupRounds || GC.CollectionCount(0) > collections || warmup.Elapsed > MaxWarmup);
        for (var round = 1; round <= WarmupRounds && options.WarmupCalls > 0; round++)
        {
            while (!Settled(round))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var ms = Time(build(), history, size + pending);
                if (ms > options.MaxCallMilliseconds)
                    return new SuggestLatency(name, size, double.NaN, double.NaN, 0, $"a warm-up call took {ms:0} ms, over the cap of {options.MaxCallMilliseconds} ms");
                warmupCalls++;
            }
            warmup.Stop();
            Thread.Sleep(200);
            warmup.Start();
        }
        var fresh = new List<double>(options.Calls);
        for (var i = 0; i < options.Calls; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            fresh.Add(Time(build(), history, size + pending));
            // A slow optimizer stops early once enough calls show it is over the cap.
            if (fresh.Count >= 3 && Statistics.Median(fresh) > options.MaxCallMilliseconds) break;
        }

        // Warm: one optimizer, primed on the history, then one more completed trial before every timed call.
        var kept = build();
        Time(kept, history, size + pending);
        var warm = new List<double>(options.Calls);
        for (var i = 1; i <= fresh.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            warm.Add(Time(kept, Prefix(longest, size + i, pending), size + i + pending));
        }
        return new SuggestLatency(name, size, Statistics.Median(fresh), Statistics.Quantile(fresh, 0.9), fresh.Count, null)
        {
            WarmMedianMilliseconds = Statistics.Median(warm),
            WarmP90Milliseconds = Statistics.Quantile(warm, 0.9),
        };
    }

    /// <summary>The first <paramref name="completed"/> trials, then the next <paramref name="pending"/> as still running.</summary>
    private static TrialHistory Prefix(TrialHistory history, int completed, int pending) =>
        new(history.Trials.Take(completed)
            .Concat(history.Trials.Skip(completed).Take(pending).Select(t => t with { State = TrialState.Running, Value = null }))
            .ToArray(), history.Direction);

    private static double Time(IOptimizer optimizer, TrialHistory history, int trialNumber)
    {
        var started = Stopwatch.GetTimestamp();
        optimizer.Ask(history, trialNumber);
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }
}
