using HyperTune.Core.Spaces;

namespace HyperTune.Trainables.Functions;

/// <summary>
/// <c>branin-disk</c>: Branin (parameters <c>x</c>, <c>y</c>), reporting beside it the metric <c>disk</c> =
/// (x - 2.5)² + (y - 7.5)², the squared distance from the domain's centre. With the constraint <c>disk &lt;= 25</c> all
/// three of Branin's minima (0.397887) lie outside the feasible disk, and the constrained minimum, 0.458377 at
/// (3.0985, 2.5359), lies on its edge (found by a dense search of the circle, 2·10⁶ points, and of a 3001 × 3001 grid
/// of the disk; see docs/optimizers.md).
/// </summary>
public static class ConstrainedBraninProblem
{
    /// <summary>The function's name in a spec.</summary>
    public const string Name = "branin-disk";

    /// <summary>The name of the reported constraint metric.</summary>
    public const string ConstraintMetric = "disk";

    /// <summary>The bound the example spec puts on <see cref="ConstraintMetric"/>.</summary>
    public const double Bound = 25;

    /// <summary>The minimum of Branin on the disk (disk &lt;= 25).</summary>
    public const double ConstrainedOptimum = 0.458377;

    /// <summary>Branin's value and the squared distance from (2.5, 7.5).</summary>
    public static (double Value, double Disk) Evaluate(IReadOnlyDictionary<string, object> config)
    {
        var x = ParameterValues.ToDouble(config["x"]);
        var y = ParameterValues.ToDouble(config["y"]);
        return (BenchmarkFunctions.Branin(new[] { x, y }), (x - 2.5) * (x - 2.5) + (y - 7.5) * (y - 7.5));
    }
}
