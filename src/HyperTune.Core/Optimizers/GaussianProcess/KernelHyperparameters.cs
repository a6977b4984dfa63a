using System.Collections.Immutable;

namespace HyperTune.Core.Optimizers.GaussianProcess;

/// <summary>
/// The GP's hyperparameters, all in log space (which is where they are fitted): one log length scale per encoded
/// input dimension, the log signal variance and the log noise variance (the nugget), both in units of the
/// standardized outputs.
/// </summary>
internal sealed record KernelHyperparameters(ImmutableArray<double> LogLengthScales, double LogSignalVariance, double LogNoiseVariance)
{
    /// <summary>Input dimension.</summary>
    public int Dimension => LogLengthScales.Length;

    /// <summary>Signal variance s².</summary>
    public double SignalVariance => Math.Exp(LogSignalVariance);

    /// <summary>Noise variance σ².</summary>
    public double NoiseVariance => Math.Exp(LogNoiseVariance);

    /// <summary>1/ℓⱼ for every dimension.</summary>
    public double[] InverseLengthScales() => LogLengthScales.Select(l => Math.Exp(-l)).ToArray();

    /// <summary>The flat vector [log ℓ₁..log ℓ_D, log s², log σ²] the fitter optimizes.</summary>
    public double[] ToVector() => LogLengthScales.Append(LogSignalVariance).Append(LogNoiseVariance).ToArray();

    /// <summary>Inverse of <see cref="ToVector"/>.</summary>
    public static KernelHyperparameters FromVector(ReadOnlySpan<double> theta)
    {
        var d = theta.Length - 2;
        return new KernelHyperparameters(ImmutableArray.Create(theta[..d]), theta[d], theta[d + 1]);
    }
}
