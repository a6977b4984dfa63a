namespace HyperTune.Core.Optimizers.GaussianProcess;

/// <summary>
/// Log-normal priors and hard bounds on the hyperparameters, in the units the GP works in (inputs in the unit cube,
/// outputs standardized). They keep the marginal-likelihood fit stable with few points: without them a handful of
/// observations is "explained" by tiny length scales or by pure noise.
/// </summary>
/// <param name="LengthScaleMedian">Prior median of every length scale (a fraction of the unit cube's side).</param>
/// <param name="LengthScaleLogSd">Prior standard deviation of log ℓ.</param>
/// <param name="LengthScaleMin">Smallest allowed length scale.</param>
/// <param name="LengthScaleMax">Largest allowed length scale (beyond it a dimension is effectively ignored).</param>
/// <param name="SignalVarianceMedian">Prior median of the signal variance (1 = the variance of the standardized outputs).</param>
/// <param name="SignalVarianceLogSd">Prior standard deviation of log s².</param>
/// <param name="SignalVarianceMin">Smallest allowed signal variance.</param>
/// <param name="SignalVarianceMax">Largest allowed signal variance.</param>
/// <param name="NoiseVarianceMedian">Prior median of the noise variance; small, since most objectives are nearly deterministic.</param>
/// <param name="NoiseVarianceLogSd">Prior standard deviation of log σ².</param>
/// <param name="NoiseVarianceMin">Smallest allowed noise variance: the nugget that keeps the kernel matrix well conditioned.</param>
/// <param name="NoiseVarianceMax">Largest allowed noise variance.</param>
internal sealed record HyperparameterPrior(
    double LengthScaleMedian, double LengthScaleLogSd, double LengthScaleMin, double LengthScaleMax,
    double SignalVarianceMedian, double SignalVarianceLogSd, double SignalVarianceMin, double SignalVarianceMax,
    double NoiseVarianceMedian, double NoiseVarianceLogSd, double NoiseVarianceMin, double NoiseVarianceMax)
{
    /// <summary>The priors used by the optimizer.</summary>
    public static HyperparameterPrior Default { get; } = new(
        LengthScaleMedian: 0.5, LengthScaleLogSd: 1.0, LengthScaleMin: 0.005, LengthScaleMax: 20,
        SignalVarianceMedian: 1.0, SignalVarianceLogSd: 1.5, SignalVarianceMin: 0.01, SignalVarianceMax: 100,
        NoiseVarianceMedian: 1e-4, NoiseVarianceLogSd: 3.0, NoiseVarianceMin: 1e-6, NoiseVarianceMax: 1.0);

    /// <summary>Prior medians, as a log-space vector for <paramref name="dimension"/> inputs.</summary>
    public double[] Center(int dimension) => Fill(dimension, Math.Log(LengthScaleMedian), Math.Log(SignalVarianceMedian), Math.Log(NoiseVarianceMedian));

    /// <summary>Prior standard deviations in log space.</summary>
    public double[] Spread(int dimension) => Fill(dimension, LengthScaleLogSd, SignalVarianceLogSd, NoiseVarianceLogSd);

    /// <summary>Lower bounds in log space.</summary>
    public double[] Lower(int dimension) => Fill(dimension, Math.Log(LengthScaleMin), Math.Log(SignalVarianceMin), Math.Log(NoiseVarianceMin));

    /// <summary>Upper bounds in log space.</summary>
    public double[] Upper(int dimension) => Fill(dimension, Math.Log(LengthScaleMax), Math.Log(SignalVarianceMax), Math.Log(NoiseVarianceMax));

    /// <summary>log prior density (up to a constant) of a log-space vector, adding its gradient to <paramref name="gradient"/>.</summary>
    public double LogDensity(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        var d = theta.Length - 2;
        var center = Center(d);
        var spread = Spread(d);
        var s = 0.0;
        for (var i = 0; i < theta.Length; i++)
        {
            var z = (theta[i] - center[i]) / spread[i];
            s -= 0.5 * z * z;
            if (!gradient.IsEmpty) gradient[i] -= z / spread[i];
        }
        return s;
    }

    private static double[] Fill(int dimension, double lengthScale, double signal, double noise)
    {
        var v = new double[dimension + 2];
        Array.Fill(v, lengthScale, 0, dimension);
        v[dimension] = signal;
        v[dimension + 1] = noise;
        return v;
    }
}
