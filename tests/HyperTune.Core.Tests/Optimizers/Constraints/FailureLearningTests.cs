using HyperTune.Core.Optimizers;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Tests.Optimizers.Constraints;

/// <summary>
/// Failed trials and broken constraints teach the model-based optimizers: they stop proposing the region that
/// crashes, and the best trial they find is feasible.
/// </summary>
public class FailureLearningTests
{
    private static readonly SearchSpace Square = new(new FloatParameter("x", -5, 5), new FloatParameter("y", -5, 5));

    // Crashes (NaN) for x < 0; the minimum, 0 at (0.5, 0), lies near the crashing region, which looks promising.
    private static double CrashesLeft(Configuration c)
    {
        var x = c.GetDouble("x");
        var y = c.GetDouble("y");
        return x < 0 ? double.NaN : (x - 0.5) * (x - 0.5) + y * y;
    }

    // Random search fails half of the time: 60 of these 3 x 40 trials. The GP, given failed trials as its worst
    // values, keeps away; TPE samples its good density, whose kernels near the edge spill over it.
    [Theory]
    [InlineData("auto", 18)]
    [InlineData("gp", 18)]
    [InlineData("tpe", 30)]
    public void After_the_initial_design_few_suggestions_fall_in_the_region_that_crashes(string type, int maxFailures)
    {
        var failures = new List<int>();
        for (var seed = 0; seed < 3; seed++)
        {
            var optimizer = OptimizerFactory.Create(OptimizerSpec.Of(type, seed), Square, StudyDirection.Minimize);
            var history = OptimizationLoop.Run(optimizer, CrashesLeft, 60);
            failures.Add(history.Trials.Skip(20).Count(t => t.State == TrialState.Failed));
            Assert.True(history.Best!.Value < 0.05, $"{type} seed {seed}: best {history.Best.Value}");
        }
        Assert.True(failures.Sum() <= maxFailures, $"{type}: failed trials among 20..59 per seed: {string.Join(", ", failures)}");
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("tpe")]
    [InlineData("evolution")]
    public void With_a_constraint_the_best_trial_is_feasible_and_near_the_constrained_optimum(string type)
    {
        // Minimize (x - 3)^2 + (y - 3)^2 subject to x + y <= 2: the constrained optimum is (1, 1), value 8.
        var objectives = new[] { new ObjectiveMetric("loss", StudyDirection.Minimize) };
        var constraints = new[] { new MetricConstraint("sum", null, 2) };
        IReadOnlyDictionary<string, double> Evaluate(Configuration c) => new Dictionary<string, double>
        {
            ["loss"] = Math.Pow(c.GetDouble("x") - 3, 2) + Math.Pow(c.GetDouble("y") - 3, 2),
            ["sum"] = c.GetDouble("x") + c.GetDouble("y"),
        };
        var bests = new List<double>();
        for (var seed = 0; seed < 3; seed++)
        {
            var optimizer = OptimizerFactory.Create(OptimizerSpec.Of(type, seed), Square, StudyDirection.Minimize);
            var history = OptimizationLoop.Run(optimizer, Evaluate, 100, objectives, constraints);
            var best = history.Best!;
            Assert.True(history.IsFeasible(best), $"{type} seed {seed}: best trial {best.Number} is infeasible");
            bests.Add(best.Value!.Value);
        }
        Assert.True(bests.Order().ElementAt(1) < 8.5, $"{type}: best values {string.Join(", ", bests)} (optimum 8)");
    }
}
