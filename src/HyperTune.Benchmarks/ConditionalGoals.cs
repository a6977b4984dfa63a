using System.Globalization;

namespace HyperTune.Benchmarks;

/// <summary>
/// The goals on a conditional space (issue 18), as lines a benchmark run prints: on <c>cond-pipeline</c>, our TPE and
/// random forest at or below the reference's best median regret at the same budget, and the default optimizer
/// strictly below it with at least 8 of 10 seeds ending in the global branch (regret under 0.01).
/// </summary>
public static class ConditionalGoals
{
    /// <summary>A regret under this means the best trial is in the global optimum's branch (net/adam).</summary>
    public const double GlobalBranchRegret = 0.01;

    /// <summary>The goal lines for the setups of <paramref name="report"/> that the goals name (none when absent).</summary>
    public static IReadOnlyList<string> Lines(OptimizerBenchmarkReport report, ReferenceResults reference,
        string referenceName = "Optuna 3.1.0")
    {
        var problem = ConditionalReference.Problem;
        if (!reference.Results.TryGetValue(problem, out var samplers) || samplers.Count == 0) return Array.Empty<string>();
        var (bestName, best) = samplers.OrderBy(s => s.Value.MedianRegret).Select(s => (s.Key, s.Value.MedianRegret)).First();
        var lines = new List<string>();
        string F(double x) => x.ToString("G3", CultureInfo.InvariantCulture);
        foreach (var setup in new[] { "tpe", "rf" })
        {
            if (report.Get(problem, setup) is not { } ours) continue;
            var met = ours.MedianRegret <= best;
            lines.Add($"Goal: {setup} at or below {referenceName}'s best on {problem} ({bestName} {F(best)}): " +
                      $"{F(ours.MedianRegret)} ({(met ? "met" : "NOT met")})");
        }
        if (report.Get(problem, OptimizerConfiguration.DefaultName) is { } auto)
        {
            var inBranch = auto.Regrets.Count(r => r < GlobalBranchRegret);
            var needed = (int)Math.Ceiling(0.8 * auto.Regrets.Count);
            var met = auto.MedianRegret < best && inBranch >= needed;
            lines.Add($"Goal: default strictly below {referenceName}'s best on {problem} ({F(best)}) with at least " +
                      $"{needed} of {auto.Regrets.Count} seeds under regret {F(GlobalBranchRegret)}: {F(auto.MedianRegret)}, " +
                      $"{inBranch} of {auto.Regrets.Count} ({(met ? "met" : "NOT met")})");
        }
        return lines;
    }
}
