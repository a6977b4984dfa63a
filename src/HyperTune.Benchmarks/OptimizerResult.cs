namespace HyperTune.Benchmarks;

/// <summary>The figures of one optimizer setup on one problem, over all seeds.</summary>
/// <param name="MedianRegret">Median over seeds of the final regret.</param>
/// <param name="MeanRegret">Mean over seeds of the final regret.</param>
/// <param name="Seconds">Total wall-clock seconds of the studies (summed over seeds, as in the reference file).</param>
/// <param name="MedianSuggestMilliseconds">Median duration of a Suggest call, over all calls of all seeds.</param>
/// <param name="Runs">The studies, ordered by seed.</param>
public sealed record OptimizerResult(
    double MedianRegret,
    double MeanRegret,
    double Seconds,
    double MedianSuggestMilliseconds,
    IReadOnlyList<StudyRun> Runs)
{
    /// <summary>Final regrets by seed.</summary>
    public IReadOnlyList<double> Regrets => Runs.Select(r => r.Regret).ToArray();
}
