namespace HyperTune.Core.Optimizers.Acquisition;

/// <summary>
/// Expected improvement below a threshold under a normal predictive distribution (for minimization), for surrogate
/// models that predict a mean and a variance (the random forest; the GP has its own, with gradients, on the same
/// <see cref="NormalMath"/>).
/// </summary>
public static class ExpectedImprovement
{
    /// <summary>E[max(best - xi - Y, 0)] for Y ~ N(mean, variance); the plain improvement when the variance is 0.</summary>
    public static double Compute(double mean, double variance, double best, double xi = 0)
    {
        var gap = best - xi - mean;
        if (!(variance > 0)) return Math.Max(gap, 0);
        var sigma = Math.Sqrt(variance);
        var z = gap / sigma;
        return gap * NormalMath.Cdf(z) + sigma * NormalMath.Pdf(z);
    }

    /// <summary>
    /// The natural log of <see cref="Compute"/>, accurate where EI itself underflows to 0 (far above the threshold),
    /// so candidates that all look hopeless are still ranked. Negative infinity only when the variance is 0 and the
    /// mean does not improve.
    /// </summary>
    public static double Log(double mean, double variance, double best, double xi = 0)
    {
        var gap = best - xi - mean;
        if (!(variance > 0)) return gap > 0 ? Math.Log(gap) : double.NegativeInfinity;
        var sigma = Math.Sqrt(variance);
        // EI = sigma * h(z) with h(z) = phi(z) + z Phi(z); NormalMath.LogH stays accurate in the far tail.
        return Math.Log(sigma) + NormalMath.LogH(gap / sigma, out _, out _);
    }
}
