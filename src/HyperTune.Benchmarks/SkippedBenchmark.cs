namespace HyperTune.Benchmarks;

/// <summary>An optimizer setup that did not run on a problem (or at all), and why.</summary>
/// <param name="Optimizer">The setup's name.</param>
/// <param name="Problem">The problem, or null when the setup was skipped on every problem.</param>
/// <param name="Reason">Why (unknown optimizer, space refused, bad settings).</param>
public sealed record SkippedBenchmark(string Optimizer, string? Problem, string Reason);
