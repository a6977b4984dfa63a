using HyperTune.Core.Randomness;

namespace HyperTune.Core.Optimizers.GaussianProcess;

/// <summary>
/// Fits the kernel hyperparameters by maximizing the log marginal likelihood plus log prior (MAP) with projected
/// L-BFGS from several starts: the prior medians, then draws from the prior. The best end point wins; ties keep the
/// earlier start, so the result depends only on the data, the prior and the random stream given.
/// </summary>
internal static class HyperparameterFitter
{
    /// <summary>Fits hyperparameters to inputs <paramref name="x"/> and standardized outputs <paramref name="y"/>.</summary>
    public static KernelHyperparameters Fit(IReadOnlyList<double[]> x, double[] y, HyperparameterPrior prior, int starts, int maxIterations, SeededRandom random)
    {
        var dimension = x[0].Length;
        var objective = new MarginalLikelihood(x, y, prior);
        var lower = prior.Lower(dimension);
        var upper = prior.Upper(dimension);
        var center = prior.Center(dimension);
        var spread = prior.Spread(dimension);

        double[]? best = null;
        var bestValue = double.PositiveInfinity;
        for (var s = 0; s < starts; s++)
        {
            var start = (double[])center.Clone();
            if (s > 0)
                for (var i = 0; i < start.Length; i++)
                    start[i] = Math.Clamp(center[i] + spread[i] * random.NextGaussian(), lower[i], upper[i]);
            var result = BoundedLbfgs.Minimize((theta, gradient) =>
            {
                var v = objective.Evaluate(theta, gradient);
                for (var i = 0; i < gradient.Length; i++) gradient[i] = -gradient[i];
                return double.IsFinite(v) ? -v : double.PositiveInfinity;
            }, start, lower, upper, maxIterations, gradientTolerance: 1e-3, relativeTolerance: 1e-8);
            if (result.Value < bestValue)
            {
                bestValue = result.Value;
                best = result.X;
            }
        }
        return KernelHyperparameters.FromVector(best ?? center);
    }
}
