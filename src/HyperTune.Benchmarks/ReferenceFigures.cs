namespace HyperTune.Benchmarks;

/// <summary>One sampler's figures on one problem in a reference file.</summary>
/// <param name="MedianRegret">Median final regret over seeds.</param>
/// <param name="MeanRegret">Mean final regret over seeds (NaN when absent).</param>
/// <param name="Seconds">Seconds for all seeds (NaN when absent).</param>
public sealed record ReferenceFigures(double MedianRegret, double MeanRegret, double Seconds)
{
    /// <summary>Final regrets by seed, when the file lists them (our own results files do; the Optuna anchor does not).</summary>
    public IReadOnlyList<double>? Regrets { get; init; }
}
