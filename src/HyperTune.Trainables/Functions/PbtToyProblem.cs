namespace HyperTune.Trainables.Functions;

/// <summary>
/// The toy problem of the population-based training paper (Jaderberg et al. 2017, section 4 and figure 2): maximize
/// <c>Q(θ) = 1.2 − θ₀² − θ₁²</c> by gradient ascent on the surrogate <c>Q̂(θ|h) = 1.2 − h₀θ₀² − h₁θ₁²</c>, whose
/// hyperparameters <c>h</c> decide which coordinates shrink. From <c>θ = (0.9, 0.9)</c> a single fixed <c>h</c> in
/// [0, 1]² needs about 130 steps of size <see cref="LearningRate"/> to reach Q ≥ 1.19, and <c>h = (1, 0)</c> or
/// <c>(0, 1)</c> never does: a population has to find, and share, <c>h</c> near (1, 1).
/// </summary>
public static class PbtToyProblem
{
    /// <summary>The spec's <c>trainable.function</c> name.</summary>
    public const string Name = "pbt-toy";

    /// <summary>The step size of the gradient ascent.</summary>
    public const double LearningRate = 0.01;

    /// <summary>The parameters start here.</summary>
    public static readonly double[] InitialTheta = [0.9, 0.9];

    /// <summary>The hyperparameters' names in the search space.</summary>
    public static readonly string[] HyperparameterNames = ["h0", "h1"];

    /// <summary>The true objective.</summary>
    public static double Objective(IReadOnlyList<double> theta) => 1.2 - theta[0] * theta[0] - theta[1] * theta[1];

    /// <summary>One gradient step on the surrogate: <c>θᵢ ← θᵢ + η ∂Q̂/∂θᵢ = θᵢ (1 − 2ηhᵢ)</c>.</summary>
    public static double[] Step(IReadOnlyList<double> theta, double h0, double h1) =>
        [theta[0] * (1 - 2 * LearningRate * h0), theta[1] * (1 - 2 * LearningRate * h1)];
}
