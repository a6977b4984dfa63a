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

    /// <summary>
    /// The natural log of <see cref="Compute"/>, accurate where EI itself underflows to 0 (far above the threshold,
    /// z &lt; <see cref="AsymptoticZ"/>), so candidates that all look hopeless are still ranked. Negative infinity only
    /// when the variance is 0 and the mean does not improve.
    /// </summary>
    public static double Log(double mean, double variance, double best, double xi = 0)
    {
        var gap = best - xi - mean;
        if (!(variance > 0)) return gap > 0 ? Math.Log(gap) : double.NegativeInfinity;
        var sigma = Math.Sqrt(variance);
        var z = gap / sigma;
        if (z >= AsymptoticZ) return Math.Log(Compute(mean, variance, best, xi));
        // EI = sigma * (phi(z) + z Phi(z)) = sigma * phi(z) * (1/z^2 - 3/z^4 + 15/z^6 - ...) for z -> -infinity.
        var z2 = z * z;
        var series = 1 / z2 - 3 / (z2 * z2) + 15 / (z2 * z2 * z2);
        return Math.Log(sigma) + Math.Log(InvSqrt2Pi) - 0.5 * z2 + Math.Log(series);
    }

    /// <summary>Below this z the log uses the asymptotic series instead of the closed form.</summary>
    public const double AsymptoticZ = -6;

    private static double NormalCdf(double z) => 0.5 * MathNet.Numerics.SpecialFunctions.Erfc(-z / Math.Sqrt(2));
}
