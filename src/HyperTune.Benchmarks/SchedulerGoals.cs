namespace HyperTune.Benchmarks;

/// <summary>
/// The goals for <c>bench schedulers</c>, evaluated on a report: the best of our setups at or below the
/// reference's best median regret on every problem and strictly below on at least three; the recommended setup
/// below the same optimizer without a scheduler on every problem.
/// </summary>
/// <param name="Problems">Per problem: our best, the reference's best, the recommended setup and its baseline.</param>
public sealed record SchedulerGoals(IReadOnlyList<SchedulerGoalRow> Problems)
{
    /// <summary>Problems where our best is strictly below the reference's best.</summary>
    public int BestBelow => Problems.Count(p => p.Ours is { } o && p.Theirs is { } t && o.Regret < t.Regret);

    /// <summary>Problems where our best is at or below the reference's best.</summary>
    public int BestAtOrBelow => Problems.Count(p => p.Ours is { } o && p.Theirs is { } t && o.Regret <= t.Regret);

    /// <summary>Problems where the recommended setup is strictly below its baseline.</summary>
    public int RecommendedBelow => Problems.Count(p => p.Recommended is { } r && p.Baseline is { } b && r < b);

    /// <summary>True when every problem has both figures and our best meets the first goal.</summary>
    public bool BestGoalMet => Problems.Count > 0 && BestAtOrBelow == Problems.Count && BestBelow >= Math.Min(3, Problems.Count);

    /// <summary>True when the recommended setup beats its baseline on every problem.</summary>
    public bool RecommendedGoalMet => Problems.Count > 0 && RecommendedBelow == Problems.Count;

    /// <summary>Evaluates the goals.</summary>
    public static SchedulerGoals Evaluate(SchedulerBenchmarkReport report, ReferenceResults? reference) =>
        new(report.Problems.Select(p => new SchedulerGoalRow(
            p,
            BestOurs(report, p),
            reference?.Best(p) is { } theirs ? (theirs.Sampler, theirs.Figures.MedianRegret) : null,
            report.Get(p, SchedulerSetup.RecommendedName)?.MedianRegret,
            report.Get(p, SchedulerSetup.RecommendedBaselineName)?.MedianRegret)).ToArray());

    private static (string Setup, double Regret)? BestOurs(SchedulerBenchmarkReport report, string problem) =>
        report.Setups
            .Select(s => (Name: s, Result: report.Get(problem, s)))
            .Where(x => x.Result is not null && !double.IsNaN(x.Result.MedianRegret))
            .OrderBy(x => x.Result!.MedianRegret)
            .Select(x => ((string, double)?)(x.Name, x.Result!.MedianRegret))
            .FirstOrDefault();
}
