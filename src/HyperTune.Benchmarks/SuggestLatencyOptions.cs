namespace HyperTune.Benchmarks;

/// <summary>What <see cref="SuggestLatencyBenchmark.Run"/> measures.</summary>
public sealed record SuggestLatencyOptions
{
    /// <summary>
    /// Completed trials in the history Suggest is timed on. 300 is there because the GP's goal is stated there
    /// (at most 100 ms); TPE's goals are at 1,000 and 3,000.
    /// </summary>
    public IReadOnlyList<int> HistorySizes { get; init; } = new[] { 100, 300, 1_000, 3_000 };

    /// <summary>Timed calls per optimizer and history size.</summary>
    public int Calls { get; init; } = 50;

    /// <summary>
    /// Untimed calls first (JIT, first-use caches), in three rounds with a 200 ms pause after each; the warm-up also
    /// lasts <see cref="WarmupMilliseconds"/> and until the young generation has been collected once.
    /// </summary>
    public int WarmupCalls { get; init; } = 30;

    /// <summary>
    /// Least time the warm-up takes, in milliseconds (building optimizers included, pauses not), shared over the
    /// rounds like <see cref="WarmupCalls"/>: with a count of calls alone, a fast optimizer's timed calls still ran
    /// slower in the first setup a process measured.
    /// </summary>
    public double WarmupMilliseconds { get; init; } = 600;

    /// <summary>
    /// A call slower than this (in a warm-up or when the median is known) ends the optimizer's measurements: that
    /// size and every larger one are reported as skipped, so a slow model does not hold up the benchmark.
    /// </summary>
    public double MaxCallMilliseconds { get; init; } = 2_000;

    /// <summary>Optimizer setups by name (as in <see cref="OptimizerBenchmarkOptions.Optimizers"/>); null means all standard setups.</summary>
    public IReadOnlyList<string>? Optimizers { get; init; }

    /// <summary>Explicit setups, used instead of <see cref="Optimizers"/> when given.</summary>
    public IReadOnlyList<OptimizerConfiguration>? Configurations { get; init; }

    /// <summary>
    /// Trials still running in every timed history, besides the completed ones (the newest configurations of the
    /// history, left without a value): the cost of a suggestion made while parallel workers run. Default 0.
    /// </summary>
    public int Pending { get; init; }

    /// <summary>Seed of the random configurations in the histories (and of the optimizers).</summary>
    public long Seed { get; init; }

    /// <summary>The setups to measure.</summary>
    public IReadOnlyList<OptimizerConfiguration> ResolveConfigurations() =>
        new OptimizerBenchmarkOptions { Optimizers = Optimizers, Configurations = Configurations }.ResolveConfigurations();

    /// <summary>Checks the numbers; throws <see cref="ArgumentException"/> naming the option.</summary>
    public void Validate()
    {
        if (HistorySizes.Count == 0 || HistorySizes.Any(s => s < 0)) throw new ArgumentException("history sizes must be non-negative and at least one", nameof(HistorySizes));
        if (Pending < 0) throw new ArgumentException("pending trials must not be negative", nameof(Pending));
        if (Calls < 1) throw new ArgumentException("calls must be at least 1", nameof(Calls));
        if (WarmupCalls < 0) throw new ArgumentException("warm-up calls must not be negative", nameof(WarmupCalls));
        if (!(WarmupMilliseconds >= 0)) throw new ArgumentException("warm-up time must not be negative", nameof(WarmupMilliseconds));
        if (!(MaxCallMilliseconds > 0)) throw new ArgumentException("the per-call cap must be positive", nameof(MaxCallMilliseconds));
        if (ResolveConfigurations().Count == 0) throw new ArgumentException("no optimizer to measure", nameof(Optimizers));
    }
}
