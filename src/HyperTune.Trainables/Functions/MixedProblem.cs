using HyperTune.Core.Spaces;

namespace HyperTune.Trainables.Functions;

/// <summary>
/// The suite's <c>mixed</c> problem: an ML-like surface over a log-scaled learning rate, an integer depth and a
/// categorical optimizer; minimum 0 at lr = 10^-2.5, depth = 7, opt = adam.
/// </summary>
public static class MixedProblem
{
    /// <summary>The problem's search space.</summary>
    public static SearchSpace Space { get; } = new(
        new FloatParameter("lr", 1e-5, 1e-1, Log: true),
        new IntParameter("depth", 1, 12),
        new CategoricalParameter("opt", new object[] { "sgd", "adam", "rmsprop" }));

    /// <summary>Evaluates the surface.</summary>
    public static double Evaluate(IReadOnlyDictionary<string, object> p)
    {
        var lr = ParameterValues.ToDouble(p["lr"]);
        var depth = ParameterValues.ToDouble(p["depth"]);
        var baseline = (string)p["opt"] switch
        {
            "sgd" => 0.30,
            "adam" => 0.0,
            "rmsprop" => 0.10,
            var other => throw new ArgumentException($"unknown optimizer choice '{other}'"),
        };
        var a = Math.Log10(lr) + 2.5;
        return a * a + 0.05 * (depth - 7) * (depth - 7) + baseline;
    }
}
