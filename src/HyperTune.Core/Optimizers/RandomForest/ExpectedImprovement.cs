namespace HyperTune.Core.Optimizers.RandomForest;

/// <summary>Expected improvement below a threshold under a normal predictive distribution (for minimization).</summary>
public static class ExpectedImprovement
{
    private const double InvSqrt2Pi = 0.3989422804014327;

    /// <summary>E[max(best - xi - Y, 0)] for Y ~ N(mean, variance); the plain improvement when the variance is 0.</summary>
    public static double Compute(double mean, double variance, double best, double xi = 0)
    {
        var gap = best - xi - mean;
        if (!(variance > 0)) return Math.Max(gap, 0);
        var sigma = Math.Sqrt(variance);
        var z = gap / sigma;
        return gap * NormalCdf(z) + sigma * InvSqrt2Pi * Math.Exp(-0.5 * z * z);
    }

    private static double NormalCdf(double z) => 0.5 * MathNet.Numerics.SpecialFunctions.Erfc(-z / Math.Sqrt(2));
}
