namespace HyperTune.Core.Optimizers.GaussianProcess;

/// <summary>
/// A GP conditioned on observations: the Cholesky factor of K = s²·k(X, X) + σ²I and α = K⁻¹y, with the predictive
/// mean and variance of the latent function (and their gradients in the input) at new points.
/// </summary>
internal sealed class GaussianProcessPosterior
{
    // If the kernel matrix is numerically singular at the fitted noise, the noise is raised by this factor (a few times).
    private const double JitterGrowth = 10;
    private const int MaxJitterAttempts = 6;

    private readonly List<double[]> _x;
    private readonly double[] _y;
    private readonly CholeskyFactor _factor;
    private readonly double[] _alpha;
    private readonly double[] _inverseLengthScales;
    private readonly double[] _inverseSquaredLengthScales;

    private GaussianProcessPosterior(List<double[]> x, double[] y, CholeskyFactor factor, double[] inverseLengthScales, double signal, double noise)
    {
        _x = x;
        _y = y;
        _factor = factor;
        _inverseLengthScales = inverseLengthScales;
        _inverseSquaredLengthScales = inverseLengthScales.Select(v => v * v).ToArray();
        SignalVariance = signal;
        NoiseVariance = noise;
        _alpha = (double[])y.Clone();
        factor.Solve(_alpha);
    }

    /// <summary>Number of conditioning points (observations and fantasies).</summary>
    public int Count => _x.Count;

    /// <summary>Input dimension.</summary>
    public int Dimension => _inverseLengthScales.Length;

    /// <summary>
    /// The lowest output conditioned on, fantasies included: the incumbent for improvement-based acquisitions, since
    /// under the kriging believer a pending point is taken to come back at its predicted mean.
    /// </summary>
    public double MinimumOutput => _y.Min();

    /// <summary>s².</summary>
    public double SignalVariance { get; }

    /// <summary>The noise variance actually used (the fitted one, raised if the matrix needed it).</summary>
    public double NoiseVariance { get; }

    /// <summary>Conditions a GP with hyperparameters <paramref name="h"/> on rows <paramref name="x"/> and outputs <paramref name="y"/>.</summary>
    public static GaussianProcessPosterior Create(IReadOnlyList<double[]> x, double[] y, KernelHyperparameters h)
    {
        var inverseLengthScales = h.InverseLengthScales();
        var signal = h.SignalVariance;
        var noise = h.NoiseVariance;
        for (var attempt = 0; ; attempt++)
        {
            var factor = CholeskyFactor.Factor(Enumerable.Range(0, x.Count).Select(a => CovarianceRow(x, a, x[a], inverseLengthScales, signal, noise)).ToList());
            if (factor is not null) return new GaussianProcessPosterior(x.ToList(), (double[])y.Clone(), factor, inverseLengthScales, signal, noise);
            if (attempt == MaxJitterAttempts) throw new InvalidOperationException("the kernel matrix is not positive definite even with added jitter");
            noise *= JitterGrowth;
        }
    }

    /// <summary>
    /// The posterior after also "observing" <paramref name="pending"/> points at their current predicted mean, capped
    /// below at the best observed output (a kriging believer that never believes in an improvement): the variance
    /// around pending points collapses, so the next point goes elsewhere. A point that cannot be added (a duplicate
    /// making the matrix singular) is skipped.
    /// </summary>
    public GaussianProcessPosterior WithFantasies(IReadOnlyList<double[]> pending)
    {
        if (pending.Count == 0) return this;
        var factor = _factor.Copy();
        var x = _x.ToList();
        var y = _y.ToList();
        var observedBest = _y.Min();
        foreach (var p in pending)
        {
            var mean = Mean(p);
            // Never believe a pending point beats the best observation: otherwise the believed value itself looks
            // like certain improvement and the batch piles onto the same spot, or (with the incumbent lowered to
            // it) every other slot of the batch turns to exploration.
            mean = Math.Max(mean, observedBest);
            if (!factor.TryAppend(CovarianceRow(x, x.Count, p, _inverseLengthScales, SignalVariance, NoiseVariance))) continue;
            x.Add(p);
            y.Add(mean);
        }
        return new GaussianProcessPosterior(x, y.ToArray(), factor, _inverseLengthScales, SignalVariance, NoiseVariance);
    }

    /// <summary>Posterior mean at <paramref name="point"/>.</summary>
    public double Mean(ReadOnlySpan<double> point)
    {
        var k = new double[_x.Count];
        FillCovariances(point, k);
        return VectorMath.Dot(k, _alpha);
    }

    /// <summary>Posterior mean and latent variance at <paramref name="point"/>; <paramref name="scratch"/> needs <see cref="Count"/> entries.</summary>
    public (double Mean, double Variance) Predict(ReadOnlySpan<double> point, Span<double> scratch)
    {
        var k = scratch[.._x.Count];
        FillCovariances(point, k);
        var mean = VectorMath.Dot(k, _alpha);
        _factor.SolveLower(k);
        var variance = SignalVariance - VectorMath.Dot(k, k);
        return (mean, Math.Max(variance, 0));
    }

    /// <summary>
    /// Mean and latent variance of up to <see cref="BatchSize"/> points at once: the same quantities as
    /// <see cref="Predict"/>, but the triangular solve runs over the whole batch, so the Cholesky factor is read once
    /// per batch instead of once per point (it no longer fits in the cache beyond a few hundred points). Sums run
    /// over the observations in order for each point, element-wise across the batch, so results do not depend on the
    /// machine's vector width (they may differ from <see cref="Predict"/> in the last bits).
    /// </summary>
    /// <param name="points">The points (at most <see cref="BatchSize"/>).</param>
    /// <param name="means">Receives the means.</param>
    /// <param name="variances">Receives the latent variances.</param>
    /// <param name="scratch">Working space of <see cref="Count"/>·<see cref="BatchSize"/> entries.</param>
    public void PredictBatch(ReadOnlySpan<double[]> points, Span<double> means, Span<double> variances, Span<double> scratch)
    {
        const int b = BatchSize;
        if (points.Length > b) throw new ArgumentException("too many points for one batch");
        var n = _x.Count;
        // v[i·b + c] = k(xᵢ, point c); unused lanes of a short batch stay zero.
        var v = scratch[..(n * b)];
        v.Clear();
        for (var i = 0; i < n; i++)
            for (var c = 0; c < points.Length; c++)
                v[i * b + c] = SignalVariance * Matern52Kernel.Correlation(Matern52Kernel.ScaledSquaredDistance(points[c], _x[i], _inverseLengthScales));

        Span<double> acc = stackalloc double[b];
        acc.Clear();
        for (var i = 0; i < n; i++) VectorMath.AddScaled(acc, _alpha[i], v.Slice(i * b, b));
        acc[..points.Length].CopyTo(means);

        // Forward substitution L w = k for the whole batch: row i of w is (k_i - Σ_{j<i} L_ij w_j) / L_ii.
        for (var i = 0; i < n; i++) VectorMath.ForwardSubstitutionRow8(_factor.Row(i), v, i);
        acc.Clear();
        for (var i = 0; i < n; i++) VectorMath.AddProducts(acc, v.Slice(i * b, b), v.Slice(i * b, b));
        for (var c = 0; c < points.Length; c++) variances[c] = Math.Max(SignalVariance - acc[c], 0);
    }

    /// <summary>Points scored together by <see cref="PredictBatch"/>.</summary>
    public const int BatchSize = 8; // matches VectorMath.ForwardSubstitutionRow8

    /// <summary>Mean, variance and their gradients in the input.</summary>
    public (double Mean, double Variance) PredictWithGradient(ReadOnlySpan<double> point, Span<double> meanGradient, Span<double> varianceGradient)
    {
        var n = _x.Count;
        var d = Dimension;
        var k = new double[n];
        var factors = new double[n];
        for (var i = 0; i < n; i++)
        {
            var r2 = Matern52Kernel.ScaledSquaredDistance(point, _x[i], _inverseLengthScales);
            k[i] = SignalVariance * Matern52Kernel.Correlation(r2);
            factors[i] = -SignalVariance * Matern52Kernel.DerivativeFactor(r2);
        }
        var mean = VectorMath.Dot(k, _alpha);
        var w = k;
        _factor.SolveLower(w);
        var variance = SignalVariance - VectorMath.Dot(w, w);
        _factor.SolveUpper(w);
        meanGradient.Clear();
        varianceGradient.Clear();
        for (var i = 0; i < n; i++)
        {
            var xi = _x[i];
            var cm = _alpha[i] * factors[i];
            var cv = -2 * w[i] * factors[i];
            for (var j = 0; j < d; j++)
            {
                var t = (point[j] - xi[j]) * _inverseSquaredLengthScales[j];
                meanGradient[j] += cm * t;
                varianceGradient[j] += cv * t;
            }
        }
        return (mean, Math.Max(variance, 0));
    }

    private void FillCovariances(ReadOnlySpan<double> point, Span<double> k)
    {
        for (var i = 0; i < _x.Count; i++)
            k[i] = SignalVariance * Matern52Kernel.Correlation(Matern52Kernel.ScaledSquaredDistance(point, _x[i], _inverseLengthScales));
    }

    private static double[] CovarianceRow(IReadOnlyList<double[]> x, int count, double[] point, double[] inverseLengthScales, double signal, double noise)
    {
        var row = new double[count + 1];
        for (var b = 0; b < count; b++)
            row[b] = signal * Matern52Kernel.Correlation(Matern52Kernel.ScaledSquaredDistance(point, x[b], inverseLengthScales));
        row[count] = signal + noise;
        return row;
    }
}
