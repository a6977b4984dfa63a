using HyperTune.Core.Randomness;

namespace HyperTune.Core.Optimizers.GaussianProcess;

/// <summary>
/// A GP conditioned on observations: the Cholesky factor of K = s²·k(X, X) + σ²I and α = K⁻¹y, with the predictive
/// mean and variance of the latent function (and their gradients in the input) at new points.
/// </summary>
/// <remarks>
/// A posterior can hold several output vectors for the same inputs (<see cref="OutputSets"/>): the observed outputs
/// completed by different sampled outcomes of the pending trials (<see cref="WithSampledFantasies"/>). The inputs,
/// hence the factor and the predictive variance, are shared; only the means differ between sets.
/// </remarks>
internal sealed class GaussianProcessPosterior
{
    // If the kernel matrix is numerically singular at the fitted noise, the noise is raised by this factor (a few times).
    private const double JitterGrowth = 10;
    private const int MaxJitterAttempts = 6;

    /// <summary>Points scored together by <see cref="PredictBatch"/> (matches <see cref="VectorMath.ForwardSubstitutionRow8"/>).</summary>
    public const int BatchSize = 8;

    private readonly List<double[]> _x;
    private readonly double[][] _outputs;
    private readonly CholeskyFactor _factor;
    private readonly double[][] _alphas;
    private readonly double[] _inverseLengthScales;
    private readonly double[] _inverseSquaredLengthScales;

    private GaussianProcessPosterior(List<double[]> x, double[][] outputs, CholeskyFactor factor, double[] inverseLengthScales, double signal, double noise,
        int observed)
    {
        _x = x;
        _outputs = outputs;
        _factor = factor;
        _inverseLengthScales = inverseLengthScales;
        _inverseSquaredLengthScales = inverseLengthScales.Select(v => v * v).ToArray();
        SignalVariance = signal;
        NoiseVariance = noise;
        ObservedCount = observed;
        _alphas = outputs.Select(y =>
        {
            var alpha = (double[])y.Clone();
            factor.Solve(alpha);
            return alpha;
        }).ToArray();
    }

    /// <summary>Number of conditioning points (observations and fantasies).</summary>
    public int Count => _x.Count;

    /// <summary>The first <see cref="ObservedCount"/> conditioning points are observations, the rest pending trials.</summary>
    public int ObservedCount { get; }

    /// <summary>Input dimension.</summary>
    public int Dimension => _inverseLengthScales.Length;

    /// <summary>Number of output vectors conditioned on (1, or the number of sampled fantasies).</summary>
    public int OutputSets => _outputs.Length;

    /// <summary>Conditioning point <paramref name="i"/> (not to be modified).</summary>
    public double[] Point(int i) => _x[i];

    /// <summary>Output <paramref name="i"/> of output set <paramref name="set"/>.</summary>
    public double Output(int set, int i) => _outputs[set][i];

    /// <summary>
    /// The lowest output of the first set, fantasies included: the incumbent for improvement-based acquisitions, since
    /// under the kriging believer a pending point is taken to come back at its predicted mean.
    /// </summary>
    public double MinimumOutput => _outputs[0].Min();

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
            if (factor is not null)
                return new GaussianProcessPosterior(x.ToList(), new[] { (double[])y.Clone() }, factor, inverseLengthScales, signal, noise, x.Count);
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
        var y = _outputs[0].ToList();
        var observedBest = _outputs[0].Min();
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
        return new GaussianProcessPosterior(x, new[] { y.ToArray() }, factor, _inverseLengthScales, SignalVariance, NoiseVariance, ObservedCount);
    }

    /// <summary>
    /// The posterior conditioned on the pending points with <paramref name="samples"/> different outcomes, drawn
    /// jointly from this posterior (observation noise included) in antithetic pairs: one output set per draw. An
    /// acquisition averaged over the sets values a point by the improvement it adds to what the pending trials will
    /// probably bring (a Monte-Carlo q-EI step): near a pending trial that is likely to improve there is little left
    /// to gain, while the pending trials' outcomes stay uncertain rather than believed. A point that cannot be added
    /// (a duplicate making the matrix singular) is skipped.
    /// </summary>
    public GaussianProcessPosterior WithSampledFantasies(IReadOnlyList<double[]> pending, int samples, SeededRandom random)
    {
        if (pending.Count == 0 || samples < 1) return this;
        var n = _x.Count;
        var factor = _factor.Copy();
        var x = _x.ToList();
        var added = new List<double[]>();
        foreach (var p in pending)
        {
            if (!factor.TryAppend(CovarianceRow(x, x.Count, p, _inverseLengthScales, SignalVariance, NoiseVariance))) continue;
            x.Add(p);
            added.Add(p);
        }
        var q = added.Count;
        if (q == 0) return this;

        // The joint predictive distribution of the added points' observations under this posterior is N(μ, Σ); the
        // extended factor already holds its Cholesky factor: rows n.. of L, columns n.. (the Schur complement).
        var mean = added.Select(Mean).ToArray();
        var draws = new double[samples][];
        var z = new double[q];
        for (var s = 0; s < samples; s++)
        {
            // Antithetic pairs (z, -z) keep the average of the sets centred on the mean.
            if (s % 2 == 0)
                for (var a = 0; a < q; a++) z[a] = random.NextGaussian();
            var sign = s % 2 == 0 ? 1.0 : -1.0;
            var y = new double[n + q];
            _outputs[0].CopyTo(y, 0);
            for (var a = 0; a < q; a++)
            {
                var row = factor.Row(n + a);
                var v = mean[a];
                for (var b = 0; b <= a; b++) v += sign * row[n + b] * z[b];
                y[n + a] = v;
            }
            draws[s] = y;
        }
        return new GaussianProcessPosterior(x, draws, factor, _inverseLengthScales, SignalVariance, NoiseVariance, ObservedCount);
    }

    /// <summary>Posterior mean of the first output set at <paramref name="point"/>.</summary>
    public double Mean(double[] point)
    {
        var k = new double[_x.Count];
        FillCovariances(point, k);
        return VectorMath.Dot(k, _alphas[0]);
    }

    /// <summary>Posterior mean (first output set) and latent variance at <paramref name="point"/>; <paramref name="scratch"/> needs <see cref="Count"/> entries.</summary>
    public (double Mean, double Variance) Predict(ReadOnlySpan<double> point, Span<double> scratch)
    {
        Span<double> means = stackalloc double[OutputSets];
        var variance = Predict(point, means, scratch);
        return (means[0], variance);
    }

    /// <summary>The latent variance at <paramref name="point"/>, writing the mean of every output set into <paramref name="means"/>.</summary>
    public double Predict(ReadOnlySpan<double> point, Span<double> means, Span<double> scratch)
    {
        var k = scratch[.._x.Count];
        FillCovariances(point, k);
        for (var s = 0; s < _alphas.Length; s++) means[s] = VectorMath.Dot(k, _alphas[s]);
        _factor.SolveLower(k);
        return Math.Max(SignalVariance - VectorMath.Dot(k, k), 0);
    }

    /// <summary>
    /// Means and latent variances of up to <see cref="BatchSize"/> points at once: the same quantities as
    /// <see cref="Predict(ReadOnlySpan{double}, Span{double}, Span{double})"/>, but the triangular solve runs over the
    /// whole batch, so the Cholesky factor is read once per batch instead of once per point (it no longer fits in the
    /// cache beyond a few hundred points). Sums run over the conditioning points in order for each point,
    /// element-wise across the batch, so results do not depend on the machine's vector width, nor on the other points
    /// of the batch (they may differ from the one-point path in the last bits).
    /// </summary>
    /// <param name="points">The points (at most <see cref="BatchSize"/>).</param>
    /// <param name="means">Receives the means: set s of point c at [s·<see cref="BatchSize"/> + c].</param>
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
        for (var s = 0; s < _alphas.Length; s++)
        {
            acc.Clear();
            var alpha = _alphas[s];
            for (var i = 0; i < n; i++) VectorMath.AddScaled(acc, alpha[i], v.Slice(i * b, b));
            acc[..points.Length].CopyTo(means[(s * b)..]);
        }

        // Forward substitution L w = k for the whole batch: row i of w is (k_i - Σ_{j<i} L_ij w_j) / L_ii.
        for (var i = 0; i < n; i++) VectorMath.ForwardSubstitutionRow8(_factor.Row(i), v, i);
        acc.Clear();
        for (var i = 0; i < n; i++) VectorMath.AddProducts(acc, v.Slice(i * b, b), v.Slice(i * b, b));
        for (var c = 0; c < points.Length; c++) variances[c] = Math.Max(SignalVariance - acc[c], 0);
    }

    /// <summary>Mean (first output set), variance and their gradients in the input.</summary>
    public (double Mean, double Variance) PredictWithGradient(ReadOnlySpan<double> point, Span<double> meanGradient, Span<double> varianceGradient)
    {
        var state = new GradientState(_x.Count);
        Span<double> means = stackalloc double[OutputSets];
        var variance = Prepare(point, state, means);
        Span<double> weights = stackalloc double[OutputSets];
        weights.Clear();
        weights[0] = 1;
        Gradient(point, state, weights, 0, meanGradient);
        weights[0] = 0;
        Gradient(point, state, weights, 1, varianceGradient);
        return (means[0], variance);
    }

    /// <summary>Working space of <see cref="Prepare"/> and <see cref="Gradient"/> for one point.</summary>
    public sealed class GradientState
    {
        /// <summary>Allocates the space for <paramref name="count"/> conditioning points.</summary>
        public GradientState(int count)
        {
            Solved = new double[count];
            Factors = new double[count];
        }

        internal double[] Solved { get; }
        internal double[] Factors { get; }
    }

    /// <summary>
    /// The latent variance at <paramref name="point"/>, the mean of every output set into <paramref name="means"/>, and
    /// what <see cref="Gradient"/> needs kept in <paramref name="state"/>.
    /// </summary>
    public double Prepare(ReadOnlySpan<double> point, GradientState state, Span<double> means)
    {
        var n = _x.Count;
        var k = state.Solved;
        for (var i = 0; i < n; i++)
        {
            var r2 = Matern52Kernel.ScaledSquaredDistance(point, _x[i], _inverseLengthScales);
            k[i] = SignalVariance * Matern52Kernel.Correlation(r2);
            state.Factors[i] = -SignalVariance * Matern52Kernel.DerivativeFactor(r2);
        }
        for (var s = 0; s < _alphas.Length; s++) means[s] = VectorMath.Dot(k, _alphas[s]);
        _factor.SolveLower(k);
        var variance = SignalVariance - VectorMath.Dot(k, k);
        _factor.SolveUpper(k);
        return Math.Max(variance, 0);
    }

    /// <summary>
    /// The input gradient of Σₛ meanWeights[s]·meanₛ + varianceWeight·variance at the point given to
    /// <see cref="Prepare"/>: one pass over the conditioning points whatever the number of output sets.
    /// </summary>
    public void Gradient(ReadOnlySpan<double> point, GradientState state, ReadOnlySpan<double> meanWeights, double varianceWeight, Span<double> gradient)
    {
        var n = _x.Count;
        var d = Dimension;
        gradient.Clear();
        for (var i = 0; i < n; i++)
        {
            var c = -2 * varianceWeight * state.Solved[i];
            for (var s = 0; s < _alphas.Length; s++)
                if (meanWeights[s] != 0) c += meanWeights[s] * _alphas[s][i];
            c *= state.Factors[i];
            var xi = _x[i];
            for (var j = 0; j < d; j++) gradient[j] += c * (point[j] - xi[j]) * _inverseSquaredLengthScales[j];
        }
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
