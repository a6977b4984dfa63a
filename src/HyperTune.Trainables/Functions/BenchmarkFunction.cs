using HyperTune.Core.Spaces;

namespace HyperTune.Trainables.Functions;

/// <summary>
/// A benchmark objective with a known global minimum. Parameters are named <c>x</c>, <c>y</c> (Branin) or
/// <c>x0</c>..<c>x{d-1}</c>; functions defined for any dimension take it from how many of those the configuration has.
/// </summary>
/// <param name="Name">The name a spec uses (<c>"function": "branin"</c>).</param>
/// <param name="FixedDimension">The dimension for fixed-size functions, null for any dimension.</param>
/// <param name="DefaultDimension">The dimension of the default search space.</param>
/// <param name="Low">Lower bound of every coordinate in the standard domain.</param>
/// <param name="High">Upper bound of every coordinate in the standard domain.</param>
/// <param name="EvaluateVector">The function of a coordinate vector.</param>
/// <param name="Optimum">The known minimum for a dimension.</param>
public sealed record BenchmarkFunction(
    string Name,
    int? FixedDimension,
    int DefaultDimension,
    double[] Low,
    double[] High,
    Func<double[], double> EvaluateVector,
    Func<int, double> Optimum)
{
    /// <summary>Parameter names for a dimension.</summary>
    public IReadOnlyList<string> ParameterNames(int dimension) =>
        Name == "branin" ? new[] { "x", "y" } : Enumerable.Range(0, dimension).Select(i => $"x{i}").ToArray();

    /// <summary>The dimension a configuration implies (its count of x0, x1, ... parameters).</summary>
    public int DimensionOf(IReadOnlyDictionary<string, object> config)
    {
        if (FixedDimension is { } d) return d;
        var n = 0;
        while (config.ContainsKey($"x{n}")) n++;
        return n;
    }

    /// <summary>Evaluates the function on a configuration.</summary>
    public double Evaluate(IReadOnlyDictionary<string, object> config)
    {
        var names = ParameterNames(DimensionOf(config));
        var x = new double[names.Count];
        for (var i = 0; i < x.Length; i++) x[i] = ParameterValues.ToDouble(config[names[i]]);
        return EvaluateVector(x);
    }

    /// <summary>The standard search space of the function in a dimension.</summary>
    public SearchSpace Space(int? dimension = null)
    {
        var d = FixedDimension ?? dimension ?? DefaultDimension;
        var names = ParameterNames(d);
        return new SearchSpace(names.Select((n, i) => (Parameter)new FloatParameter(n, Low[Math.Min(i, Low.Length - 1)], High[Math.Min(i, High.Length - 1)])));
    }
}
