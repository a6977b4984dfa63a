using HyperTune.Core.Spaces;

namespace HyperTune.Trainables.Functions;

/// <summary>
/// The multi-objective suite of <c>shared/bench/multiobjective.py</c> (ZDT1 and ZDT2 in 4 dimensions, Fonseca-Fleming
/// in 3, DTLZ2 with 3 objectives in 8), with its reference points and true-front hypervolumes (copied with their
/// origin into <c>docs/benchmarks.md</c>).
/// </summary>
public static class MultiObjectiveProblems
{
    /// <summary>Every problem, by name.</summary>
    public static IReadOnlyList<MultiObjectiveProblem> All { get; } = new[]
    {
        new MultiObjectiveProblem("zdt1-4d", Cube(4, 0, 1), c => Zdt(Vector(c, 4), convex: true),
            new[] { 1.1, 1.1 }, 0.876664164),
        new MultiObjectiveProblem("zdt2-4d", Cube(4, 0, 1), c => Zdt(Vector(c, 4), convex: false),
            new[] { 1.1, 1.1 }, 0.543330833),
        new MultiObjectiveProblem("fonseca-3d", Cube(3, -4, 4), c => Fonseca(Vector(c, 3)),
            new[] { 1.1, 1.1 }, 0.552112981),
        new MultiObjectiveProblem("dtlz2-3obj", Cube(8, 0, 1), c => Dtlz2(Vector(c, 8), 3),
            new[] { 1.1, 1.1, 1.1 }, 0.807401224),
    };

    /// <summary>The problem of that name (case-insensitive), or null.</summary>
    public static MultiObjectiveProblem? Find(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    private static SearchSpace Cube(int n, double low, double high) =>
        new(Enumerable.Range(0, n).Select(i => (Parameter)new FloatParameter($"x{i}", low, high)));

    private static double[] Vector(IReadOnlyDictionary<string, object> c, int n) =>
        Enumerable.Range(0, n).Select(i => ParameterValues.ToDouble(c[$"x{i}"])).ToArray();

    // ZDT1 (convex front 1 - sqrt(f1)) and ZDT2 (concave front 1 - f1^2).
    private static double[] Zdt(double[] x, bool convex)
    {
        var g = 1 + 9 * x.Skip(1).Sum() / (x.Length - 1);
        var ratio = x[0] / g;
        return new[] { x[0], g * (1 - (convex ? Math.Sqrt(ratio) : ratio * ratio)) };
    }

    private static double[] Fonseca(double[] x)
    {
        var r = 1 / Math.Sqrt(x.Length);
        return new[]
        {
            1 - Math.Exp(-x.Sum(v => (v - r) * (v - r))),
            1 - Math.Exp(-x.Sum(v => (v + r) * (v + r))),
        };
    }

    private static double[] Dtlz2(double[] x, int m)
    {
        var g = x.Skip(m - 1).Sum(v => (v - 0.5) * (v - 0.5));
        var f = new double[m];
        for (var i = 0; i < m; i++)
        {
            var v = 1 + g;
            for (var j = 0; j < m - 1 - i; j++) v *= Math.Cos(x[j] * Math.PI / 2);
            if (i > 0) v *= Math.Sin(x[m - 1 - i] * Math.PI / 2);
            f[i] = v;
        }
        return f;
    }
}
