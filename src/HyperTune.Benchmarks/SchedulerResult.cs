namespace HyperTune.Benchmarks;

/// <summary>The figures of one setup on one problem, over all seeds.</summary>
/// <param name="MedianRegret">Median over seeds of the final regret.</param>
/// <param name="MeanRegret">Mean over seeds of the final regret.</param>
/// <param name="MedianTrials">Median over seeds of the trials started.</param>
/// <param name="Seconds">Wall-clock seconds of the studies, summed over seeds.</param>
/// <param name="Utilization">Mean over seeds of the slots' utilization.</param>
/// <param name="Runs">The studies, ordered by seed.</param>
public sealed record SchedulerResult(
    double MedianRegret,
    double MeanRegret,
    double MedianTrials,
    double Seconds,
    double Utilization,
    IReadOnlyList<SchedulerStudyRun> Runs)
{
    /// <summary>Final regrets by seed.</summary>
    public IReadOnlyList<double> Regrets => Runs.Select(r => r.Regret).ToArray();
}
