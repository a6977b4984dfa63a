using HyperTune.Core.Spaces;

namespace HyperTune.Trainables.Functions;

/// <summary>
/// A multi-fidelity benchmark problem (<c>shared/bench/fidelity.py</c>): a trial trains in steps 1..<see cref="Steps"/>
/// and reports <see cref="Curve"/> at each; its objective is the value at the last step.
/// </summary>
/// <param name="Name">The name a spec uses (<c>"function": "mf-branin"</c>).</param>
/// <param name="Space">The problem's search space.</param>
/// <param name="Curve">The value reported at a step (1-based) for a configuration.</param>
/// <param name="Steps">Steps of a full training run.</param>
/// <param name="Optimum">The known minimum of the value at the last step.</param>
public sealed record FidelityProblem(
    string Name,
    SearchSpace Space,
    Func<IReadOnlyDictionary<string, object>, long, double> Curve,
    int Steps,
    double Optimum);
