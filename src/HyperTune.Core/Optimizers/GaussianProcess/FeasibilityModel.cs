using HyperTune.Core.Optimizers.Acquisition;

namespace HyperTune.Core.Optimizers.GaussianProcess;

/// <summary>
/// A GP on one constrained quantity (a constraint's metric, or a failure indicator) and the bounds it must respect, in
/// the GP's standardized units: it gives the log probability that a point is feasible, which the acquisition adds to
/// log expected improvement (constrained EI, Gardner et al. 2014: EI times the probability of feasibility).
/// </summary>
internal sealed class FeasibilityModel
{
    private readonly GaussianProcessPosterior _gp;
    private readonly double? _upper;
    private readonly double? _lower;
    private readonly double[] _scratch;
    private readonly GaussianProcessPosterior.GradientState _state;
    private readonly double[] _means;
    private readonly double[] _gradient;

    /// <summary>A model of the quantity <paramref name="gp"/> predicts, feasible at or below <paramref name="upper"/> and at or above <paramref name="lower"/>.</summary>
    public FeasibilityModel(GaussianProcessPosterior gp, double? upper, double? lower)
    {
        _gp = gp;
        _upper = upper;
        _lower = lower;
        _scratch = new double[gp.Count];
        _state = new GaussianProcessPosterior.GradientState(gp.Count);
        _means = new double[gp.OutputSets];
        _gradient = new double[gp.Dimension];
    }

    /// <summary>log P(feasible) at a point.</summary>
    public double LogProbability(ReadOnlySpan<double> point)
    {
        var variance = _gp.Predict(point, _means, _scratch);
        return LogProbability(_means[0], Math.Sqrt(Math.Max(variance - _gp.NoiseVariance, 0)), out _, out _);
    }

    /// <summary>log P(feasible) at a point, adding its gradient (with respect to the point) to <paramref name="gradient"/>.</summary>
    public double AddLogProbability(double[] point, Span<double> gradient)
    {
        var variance = _gp.Prepare(point, _state, _means);
        var sd = Math.Sqrt(Math.Max(variance - _gp.NoiseVariance, 0));
        var value = LogProbability(_means[0], sd, out var dMean, out var dSd);
        Span<double> weights = stackalloc double[_gp.OutputSets];
        weights[0] = dMean;
        _gp.Gradient(point, _state, weights, sd > 0 ? dSd / (2 * sd) : 0, _gradient);
        for (var j = 0; j < gradient.Length; j++) gradient[j] += _gradient[j];
        return value;
    }

    // Each bound is a one-sided probability; with both, their product (a slight underestimate of the band).
    private double LogProbability(double mean, double sd, out double dMean, out double dSd)
    {
        dMean = 0;
        dSd = 0;
        var total = 0.0;
        if (_upper is { } upper) total += Side(upper - mean, 1, sd, ref dMean, ref dSd);
        if (_lower is { } lower) total += Side(mean - lower, -1, sd, ref dMean, ref dSd);
        return total;
    }

    // log Φ(margin / σ), margin = sign·(bound - μ); at σ = 0, 0 inside and a steep finite penalty outside.
    private static double Side(double margin, double sign, double sd, ref double dMean, ref double dSd)
    {
        if (sd <= 1e-12) return margin >= 0 ? 0 : -1e3 * (1 - margin);
        var z = margin / sd;
        var ratio = NormalMath.PdfOverCdf(z);
        dMean += -sign * ratio / sd;
        dSd += -ratio * z / sd;
        return NormalMath.LogCdf(z);
    }
}
