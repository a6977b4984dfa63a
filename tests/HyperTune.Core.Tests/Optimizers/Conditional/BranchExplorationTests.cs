using HyperTune.Core.Optimizers;
using HyperTune.Core.Optimizers.RandomForest;
using HyperTune.Core.Optimizers.Tpe;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Tests.Optimizers.Conditional;

/// <summary>
/// What keeps TPE and the random forest exploring the branches of a conditional space (TpeSettings.BranchPriorWeight,
/// RandomForestSettings.LogTransform's default), and that spaces without conditions are untouched by it.
/// </summary>
public sealed class BranchExplorationTests
{
    private static readonly SearchSpace Flat = new(
        new FloatParameter("x", -5, 5), new IntParameter("n", 1, 9),
        new CategoricalParameter("c", new object[] { "a", "b", "c" }));

    // A branch that looks good at once (a, flat at 1.0) and one that is better only where tuned (b, down to 0).
    private static readonly SearchSpace Branches = new(
        new CategoricalParameter("branch", new object[] { "a", "b" }),
        new FloatParameter("u", 0, 1) { Condition = new ParameterCondition("branch", new object[] { "a" }) },
        new FloatParameter("v", 0, 1) { Condition = new ParameterCondition("branch", new object[] { "b" }) });

    private static double FlatObjective(Configuration c) =>
        Math.Abs(c.GetDouble("x") - 1) + c.GetDouble("n") * 0.1 + ((string)c["c"] == "b" ? 0 : 1);

    private static double BranchObjective(Configuration c) =>
        (string)c["branch"] == "a" ? 1.0 + 0.01 * c.GetDouble("u") : 40 * Math.Abs(c.GetDouble("v") - 0.37);

    private static IEnumerable<string> Suggestions(IOptimizer optimizer, Func<Configuration, double> objective, int budget) =>
        OptimizationLoop.Run(optimizer, objective, budget).Trials.Select(t => t.Params.ToString());

    [Fact]
    public void The_branch_prior_changes_nothing_in_a_space_without_conditions()
    {
        var plain = new TpeOptimizer(Flat, new TpeSettings { BranchPriorWeight = 0 }, 5);
        var branchAware = new TpeOptimizer(Flat, new TpeSettings { BranchPriorWeight = 50 }, 5);
        Assert.Equal(Suggestions(plain, FlatObjective, 40), Suggestions(branchAware, FlatObjective, 40));
    }

    [Fact]
    public void With_the_branch_prior_tpe_keeps_trying_the_branch_that_needs_tuning()
    {
        int TriesOfB(double weight) => Enumerable.Range(0, 5).Sum(seed =>
            OptimizationLoop.Run(new TpeOptimizer(Branches, new TpeSettings { BranchPriorWeight = weight }, seed),
                BranchObjective, 60).Trials.Skip(10).Count(t => (string)t.Params["branch"] == "b"));

        // Without it, the first draws of b (mostly far from v = 0.37, so worse than a) starve b.
        Assert.True(TriesOfB(10) > TriesOfB(1), $"b tried {TriesOfB(10)} times with the prior, {TriesOfB(1)} without");
    }

    [Fact]
    public void The_forest_models_the_log_of_the_loss_except_on_a_conditional_space()
    {
        Assert.Null(new RandomForestSettings().LogTransform);
        Assert.True(LogTransform(new RandomForestOptimizer(Flat, 1, new RandomForestSettings())));
        Assert.False(LogTransform(new RandomForestOptimizer(Branches, 1, new RandomForestSettings())));
        Assert.True(LogTransform(new RandomForestOptimizer(Branches, 1, new RandomForestSettings { LogTransform = true })));
    }

    private static bool LogTransform(RandomForestOptimizer optimizer) => optimizer.UsesLogTransform;
}
