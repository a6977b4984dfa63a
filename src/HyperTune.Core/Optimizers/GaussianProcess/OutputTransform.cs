namespace HyperTune.Core.Optimizers.GaussianProcess;

/// <summary>Maps losses to standardized GP outputs (see <see cref="OutputTransformKind"/>). Monotone, so the best loss stays the lowest output.</summary>
internal static class OutputTransform
{
    // The Yeo-Johnson exponent is searched on this interval: a grid first (the likelihood can have several modes),
    // then golden-section refinement around the best grid point.
    private const double LambdaMin = -3;
    private const double LambdaMax = 3;
    private const int LambdaGridPoints = 25;
    private const int GoldenSectionSteps = 40;

    /// <summary>Transforms <paramref name="losses"/> (all finite).</summary>
    public static double[] Apply(OutputTransformKind kind, IReadOnlyList<double> losses)
    {
        if (kind == OutputTransformKind.Standardize) return Standardize(losses);
        var z = RobustStandardize(losses);
        if (z.All(v => v == 0)) return z;
        var lambda = FitYeoJohnson(z);
        return Standardize(z.Select(v => YeoJohnson(v, lambda)).ToArray());
    }

    /// <summary>
    /// (v - median) / (interquartile range / 1.349): the bulk of the values gets unit spread however extreme the
    /// tail, so the power transform can compress the tail without squashing the bulk (and the best values) together.
    /// Falls back to the standard deviation when the quartiles coincide.
    /// </summary>
    public static double[] RobustStandardize(IReadOnlyList<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        var median = Quantile(sorted, 0.5);
        var scale = (Quantile(sorted, 0.75) - Quantile(sorted, 0.25)) / NormalInterquartileRange;
        if (!(scale > 0) || !double.IsFinite(scale)) return Standardize(values);
        return values.Select(v => (v - median) / scale).ToArray();
    }

    // The interquartile range of a standard normal distribution.
    private const double NormalInterquartileRange = 1.3489795003921634;

    private static double Quantile(double[] sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var lo = (int)Math.Floor(position);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (position - lo) * (sorted[hi] - sorted[lo]);
    }

    /// <summary>(v - mean) / sd; all zeros when the values are all equal.</summary>
    public static double[] Standardize(IReadOnlyList<double> values)
    {
        var n = values.Count;
        var mean = 0.0;
        for (var i = 0; i < n; i++) mean += values[i];
        mean /= n;
        var ss = 0.0;
        for (var i = 0; i < n; i++) ss += (values[i] - mean) * (values[i] - mean);
        var sd = Math.Sqrt(ss / n);
        var result = new double[n];
        if (!(sd > 0) || !double.IsFinite(sd)) return result;
        for (var i = 0; i < n; i++) result[i] = (values[i] - mean) / sd;
        return result;
    }

    /// <summary>The Yeo-Johnson transform with exponent <paramref name="lambda"/>.</summary>
    public static double YeoJohnson(double y, double lambda)
    {
        if (y >= 0)
            return Math.Abs(lambda) < 1e-12 ? double.LogP1(y) : (Math.Pow(y + 1, lambda) - 1) / lambda;
        var m = 2 - lambda;
        return Math.Abs(m) < 1e-12 ? -double.LogP1(-y) : -(Math.Pow(1 - y, m) - 1) / m;
    }

    /// <summary>The exponent maximizing the profile log-likelihood of a normal fit to the transformed values.</summary>
    public static double FitYeoJohnson(IReadOnlyList<double> y)
    {
        var logTerm = 0.0;
        foreach (var v in y) logTerm += Math.Sign(v) * double.LogP1(Math.Abs(v));
        double LogLikelihood(double lambda)
        {
            var t = y.Select(v => YeoJohnson(v, lambda)).ToArray();
            var mean = t.Average();
            var variance = t.Sum(v => (v - mean) * (v - mean)) / t.Length;
            if (!(variance > 0) || !double.IsFinite(variance)) return double.NegativeInfinity;
            return -0.5 * t.Length * Math.Log(variance) + (lambda - 1) * logTerm;
        }
        var step = (LambdaMax - LambdaMin) / (LambdaGridPoints - 1);
        var best = LambdaMin;
        var bestValue = double.NegativeInfinity;
        for (var i = 0; i < LambdaGridPoints; i++)
        {
            var l = LambdaMin + i * step;
            var v = LogLikelihood(l);
            if (v > bestValue)
            {
                bestValue = v;
                best = l;
            }
        }
        // Golden-section search on the bracket around the best grid point.
        var lo = Math.Max(LambdaMin, best - step);
        var hi = Math.Min(LambdaMax, best + step);
        var ratio = (Math.Sqrt(5) - 1) / 2;
        var a = hi - ratio * (hi - lo);
        var b = lo + ratio * (hi - lo);
        var fa = LogLikelihood(a);
        var fb = LogLikelihood(b);
        for (var i = 0; i < GoldenSectionSteps; i++)
        {
            if (fa >= fb)
            {
                hi = b;
                b = a;
                fb = fa;
                a = hi - ratio * (hi - lo);
                fa = LogLikelihood(a);
            }
            else
            {
                lo = a;
                a = b;
                fa = fb;
                b = lo + ratio * (hi - lo);
                fb = LogLikelihood(b);
            }
        }
        var refined = (lo + hi) / 2;
        return LogLikelihood(refined) >= bestValue ? refined : best;
    }
}
