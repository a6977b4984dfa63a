namespace HyperTune.Benchmarks.Tests;

public sealed class ConditionalGoalsTests
{
    [Fact]
    public void The_embedded_reference_gives_optunas_figures_per_budget()
    {
        var at100 = ConditionalReference.ForBudget(100)!;
        Assert.Equal((100, 10), (at100.Budget, at100.Seeds));
        Assert.Equal(0.03379167975444786, at100.Results["cond-pipeline"]["random"].MedianRegret, 12);
        Assert.Equal(0.011953630705563899, ConditionalReference.ForBudget(300)!.Results["cond-pipeline"]["tpe"].MedianRegret, 12);
        Assert.Null(ConditionalReference.ForBudget(200));
    }

    [Fact]
    public void The_goal_lines_compare_medians_with_the_references_best_and_count_seeds_in_the_global_branch()
    {
        var reference = ConditionalReference.ForBudget(100)!; // best: random, 0.0338
        OptimizerResult Result(params double[] regrets) => new(
            regrets.OrderBy(r => r).ElementAt(regrets.Length / 2), regrets.Average(), 0, 0,
            regrets.Select((r, seed) => new StudyRun("cond-pipeline", "x", seed, r + 0.05, r, 0, Array.Empty<double>(), null)).ToList());
        var report = new OptimizerBenchmarkReport(100, 2, 1, new[] { "cond-pipeline" },
            new[] { "tpe", "rf", OptimizerConfiguration.DefaultName },
            new Dictionary<string, IReadOnlyDictionary<string, OptimizerResult>>
        {
            ["cond-pipeline"] = new Dictionary<string, OptimizerResult>
            {
                ["tpe"] = Result(0.02, 0.03),
                ["rf"] = Result(0.05, 0.06),
                [OptimizerConfiguration.DefaultName] = Result(0.001, 0.01),
            },
        }, Array.Empty<SkippedBenchmark>());

        var lines = ConditionalGoals.Lines(report, reference);

        Assert.Equal(3, lines.Count);
        Assert.Contains("tpe at or below", lines[0]);
        Assert.EndsWith("(met)", lines[0]);
        Assert.EndsWith("(NOT met)", lines[1]);
        // Median 0.01 is below 0.0338, but only 1 of 2 seeds is under 0.01 (0.01 itself is the boosting trap).
        Assert.Contains("1 of 2", lines[2]);
        Assert.EndsWith("(NOT met)", lines[2]);
    }
}
