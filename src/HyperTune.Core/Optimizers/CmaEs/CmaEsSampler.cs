using HyperTune.Core.Randomness;
using HyperTune.Core.Spaces;
using MathNet.Numerics.Distributions;

namespace HyperTune.Core.Optimizers.CmaEs;

/// <summary>
/// Draws points of a generation from N(m, σ² C) in the unit cube, keeping them inside the cube and keeping discrete
/// parameters (integers, floats with a step) from freezing. The margin is a simplified form of CMA-ES with margin
/// (Hamano et al., 2022): along a discrete coordinate the sample is stretched about the mean (a diagonal scaling A,
/// recomputed from the current distribution every generation) until the probability of landing outside the cell of
/// the mean's value is at least α/2 on each side that has a neighbour. The CMA update sees the unstretched point, so the margin changes
/// what is evaluated, not what is learnt.
/// </summary>
public sealed class CmaEsSampler
{
    /// <summary>In <see cref="BoundHandling.Resample"/> mode, draws tried before falling back to reflection.</summary>
    public const int MaxResamples = 100;

    // The discrete coordinates (integers and floats with a step), null for continuous ones.
    private readonly NumericParameter?[] _discrete;
    private readonly BoundHandling _bounds;
    private readonly double? _margin;

    /// <summary>Creates a sampler for a space of numeric parameters (one cube coordinate each).</summary>
    public CmaEsSampler(SearchSpace space, CmaEsSettings settings)
    {
        _discrete = space.Parameters.Select(p => p is NumericParameter n && (n.IsInteger || n.Step is not null) ? n : null).ToArray();
        _bounds = settings.Bounds;
        _margin = settings.IntegerMargin;
    }

    /// <summary>The diagonal scaling A of the integer margin for a state (1 where no stretching is needed).</summary>
    public double[] MarginScale(CmaEsState state)
    {
        var n = state.Dimension;
        var scale = new double[n];
        Array.Fill(scale, 1.0);
        var alpha = _margin ?? 1.0 / (n * state.Parameters.Lambda);
        if (alpha <= 0) return scale;
        var z = Normal.InvCDF(0, 1, 1 - alpha / 2);
        for (var j = 0; j < n; j++)
        {
            if (_discrete[j] is not { } p) continue;
            var m = Math.Clamp(state.Mean[j], 0, 1);
            var value = ParameterValues.ToDouble(p.FromUnit(m));
            var halfStep = (p.Step ?? 1) / 2.0;
            // Tolerance for "is this the end value": stepped floats snap to Low + k·step with rounding error.
            var end = halfStep * 1e-6;
            var needed = 0.0;
            if (value > p.Low + end) needed = Math.Max(needed, (m - p.ToUnit(value - halfStep)) / z);
            if (value < p.High - end) needed = Math.Max(needed, (p.ToUnit(value + halfStep) - m) / z);
            var deviation = state.CoordinateDeviation(j);
            if (deviation > 0 && needed > deviation) scale[j] = needed / deviation;
        }
        return scale;
    }

    /// <summary>Draws one point with the given generator.</summary>
    public CmaEsSample Sample(CmaEsState state, SeededRandom random)
    {
        var n = state.Dimension;
        var scale = MarginScale(state);
        var x = new double[n];
        var attempts = _bounds == BoundHandling.Resample ? MaxResamples : 1;
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            var zv = new double[n];
            for (var i = 0; i < n; i++) zv[i] = random.NextGaussian();
            var y = state.Transform(zv);
            var inside = true;
            for (var i = 0; i < n; i++)
            {
                x[i] = state.Mean[i] + scale[i] * state.Sigma * y[i];
                inside &= x[i] >= 0 && x[i] <= 1;
            }
            if (inside) break;
        }
        for (var i = 0; i < n; i++) x[i] = Reflect(x[i]);
        var forUpdate = new double[n];
        for (var i = 0; i < n; i++) forUpdate[i] = state.Mean[i] + (x[i] - state.Mean[i]) / scale[i];
        return new CmaEsSample(x, forUpdate);
    }

    /// <summary>Folds a coordinate into [0, 1] by mirroring at the faces (periodically for far-off values).</summary>
    public static double Reflect(double v)
    {
        if (v >= 0 && v <= 1) return v;
        var t = v % 2.0;
        if (t < 0) t += 2.0;
        return t <= 1 ? t : 2.0 - t;
    }
}
