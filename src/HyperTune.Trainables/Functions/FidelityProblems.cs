using HyperTune.Core.Spaces;

namespace HyperTune.Trainables.Functions;

/// <summary>The multi-fidelity suite of <c>shared/bench/fidelity.py</c>, with the same curves, spaces and optima.</summary>
public static class FidelityProblems
{
    /// <summary>The problems, in the reference file's order.</summary>
    public static IReadOnlyList<FidelityProblem> All { get; } = new[]
    {
        new FidelityProblem("mf-branin",
            new SearchSpace(new FloatParameter("x", -5, 10), new FloatParameter("y", 0, 15)),
            (p, t) => FidelityCurves.Branin(D(p, "x"), D(p, "y"), t), FidelityCurves.Steps, 0.397887),
        new FidelityProblem("mf-hartmann6",
            new SearchSpace(Enumerable.Range(0, 6).Select(i => (Parameter)new FloatParameter($"x{i}", 0, 1)).ToArray()),
            (p, t) => FidelityCurves.Hartmann6(Xs(p, 6), t), FidelityCurves.Steps, -3.32237),
        // The lc-* optima are what fidelity.py's _lc_crossing_opt and _lc_mixed_opt print.
        new FidelityProblem("lc-crossing",
            new SearchSpace(new Parameter[] { new FloatParameter("lr", 1e-4, 1.0, Log: true) }
                .Concat(Enumerable.Range(0, 3).Select(i => (Parameter)new FloatParameter($"x{i}", 0, 1))).ToArray()),
            (p, t) => FidelityCurves.Crossing(D(p, "lr"), Xs(p, 3), t), FidelityCurves.Steps, 0.158626211),
        new FidelityProblem("lc-mixed", MixedProblem.Space,
            (p, t) => FidelityCurves.Mixed(D(p, "lr"), D(p, "depth"), (string)p["opt"], t), FidelityCurves.Steps,
            0.001547804),
    };

    /// <summary>The problem with that name, or null.</summary>
    public static FidelityProblem? Find(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    private static double D(IReadOnlyDictionary<string, object> p, string name) => ParameterValues.ToDouble(p[name]);

    private static double[] Xs(IReadOnlyDictionary<string, object> p, int n)
    {
        var x = new double[n];
        for (var i = 0; i < n; i++) x[i] = ParameterValues.ToDouble(p[$"x{i}"]);
        return x;
    }
}
