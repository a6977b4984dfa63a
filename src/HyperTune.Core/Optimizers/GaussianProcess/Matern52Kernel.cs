namespace HyperTune.Core.Optimizers.GaussianProcess;

/// <summary>
/// The Matérn 5/2 correlation k(r) = (1 + √5 r + 5r²/3)·exp(-√5 r) of a scaled distance
/// r = √Σⱼ((xⱼ - x'ⱼ)/ℓⱼ)² with one length scale ℓⱼ per input dimension (ARD). Twice differentiable, so it models
/// smooth objectives without the over-smoothness of the squared exponential.
/// </summary>
internal static class Matern52Kernel
{
    private static readonly double Sqrt5 = Math.Sqrt(5);

    /// <summary>Σⱼ ((a[j] - b[j]) · inverseLengthScales[j])².</summary>
    public static double ScaledSquaredDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> inverseLengthScales)
    {
        var s = 0.0;
        for (var j = 0; j < inverseLengthScales.Length; j++)
        {
            var d = (a[j] - b[j]) * inverseLengthScales[j];
            s += d * d;
        }
        return s;
    }

    /// <summary>k(r) for r² = <paramref name="squaredDistance"/>.</summary>
    public static double Correlation(double squaredDistance)
    {
        var r = Math.Sqrt(squaredDistance);
        return (1 + Sqrt5 * r + 5.0 / 3.0 * squaredDistance) * Math.Exp(-Sqrt5 * r);
    }

    /// <summary>
    /// -2·dk/d(r²) = (5/3)(1 + √5 r)·exp(-√5 r): the derivative of k in any coordinate or log length scale is this
    /// times a simple factor (-Δⱼ/ℓⱼ² for xⱼ, Δⱼ²/ℓⱼ² for log ℓⱼ), finite at r = 0.
    /// </summary>
    public static double DerivativeFactor(double squaredDistance)
    {
        var r = Math.Sqrt(squaredDistance);
        return 5.0 / 3.0 * (1 + Sqrt5 * r) * Math.Exp(-Sqrt5 * r);
    }
}
