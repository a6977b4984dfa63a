namespace HyperTune.Trainables.Functions;

/// <summary>The eight problems of <c>shared/bench/functions.py</c>'s SUITE, with the same spaces and optima.</summary>
public static class BenchmarkSuite
{
    /// <summary>The problems, in the reference file's order.</summary>
    public static IReadOnlyList<BenchmarkProblem> Problems { get; } = new[]
    {
        FromFunction("branin", "branin", null, 0.397887),
        FromFunction("hartmann3", "hartmann3", null, -3.86278),
        FromFunction("hartmann6", "hartmann6", null, -3.32237),
        FromFunction("rosenbrock4", "rosenbrock", 4, 0.0),
        FromFunction("ackley5", "ackley", 5, 0.0),
        FromFunction("levy4", "levy", 4, 0.0),
        FromFunction("styblinski8", "styblinski-tang", 8, -39.16599 * 8),
        new BenchmarkProblem("mixed", MixedProblem.Space, MixedProblem.Evaluate, 0.0),
    };

    /// <summary>
    /// Problems beyond the suite, run only when named: <c>cond-pipeline</c> (<c>shared/bench/conditional.py</c>, a
    /// hierarchical space).
    /// </summary>
    public static IReadOnlyList<BenchmarkProblem> Extra { get; } = new[]
    {
        new BenchmarkProblem(ConditionalPipelineProblem.Name, ConditionalPipelineProblem.Space,
            ConditionalPipelineProblem.Evaluate, ConditionalPipelineProblem.Optimum),
    };

    /// <summary>The suite's problems, then <see cref="Extra"/>.</summary>
    public static IReadOnlyList<BenchmarkProblem> All { get; } = Problems.Concat(Extra).ToArray();

    /// <summary>The problem of the suite or <see cref="Extra"/> with that name, or null.</summary>
    public static BenchmarkProblem? Find(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    private static BenchmarkProblem FromFunction(string name, string function, int? dimension, double optimum)
    {
        var f = BenchmarkFunctions.All[function];
        return new BenchmarkProblem(name, f.Space(dimension), f.Evaluate, optimum);
    }
}
