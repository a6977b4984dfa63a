namespace HyperTune.Core.Optimizers.GaussianProcess;

/// <summary>
/// The log marginal likelihood of a zero-mean GP with a Matérn 5/2 ARD kernel plus the log prior of its
/// hyperparameters (a MAP objective), and its gradient in the log-space hyperparameters:
/// log p(y | θ) = -½ yᵀK⁻¹y - ½ log|K| - (n/2) log 2π, and ∂/∂θ = ½ tr((ααᵀ - K⁻¹) ∂K/∂θ) with α = K⁻¹y.
/// </summary>
/// <remarks>
/// The fit evaluates this dozens of times on the same points with different θ, so everything that does not depend on
/// θ is computed once: the squared coordinate differences of every pair of points, stored per coordinate so that the
/// scaled distances are a few element-wise passes over flat arrays. All buffers are reused between evaluations, so an
/// instance must not be used from two threads at once.
/// </remarks>
internal sealed class MarginalLikelihood
{
    private static readonly double LogTwoPi = Math.Log(2 * Math.PI);
    private static readonly double Sqrt5 = Math.Sqrt(5);

    private readonly int _n;
    private readonly int _d;
    private readonly double[] _y;
    private readonly HyperparameterPrior _prior;

    // Pair p = a(a-1)/2 + b for b < a: the pairs of row a of the kernel matrix's lower triangle are contiguous.
    private readonly double[][] _squaredDifferences;
    private readonly double[] _squaredDistance;
    private readonly double[] _correlation;
    private readonly double[] _derivative;
    private readonly double[] _weight;
    private readonly double[] _matrix;
    private readonly double[] _inverseColumns;
    private readonly double[] _alpha;

    /// <summary>Prepares the objective for inputs <paramref name="x"/> (rows in the unit cube) and standardized outputs <paramref name="y"/>.</summary>
    public MarginalLikelihood(IReadOnlyList<double[]> x, double[] y, HyperparameterPrior prior)
    {
        if (x.Count != y.Length) throw new ArgumentException("one output per input row is needed");
        _n = x.Count;
        _d = _n > 0 ? x[0].Length : 0;
        _y = (double[])y.Clone();
        _prior = prior;
        var pairs = _n * (_n - 1) / 2;
        _squaredDifferences = new double[_d][];
        for (var j = 0; j < _d; j++)
        {
            var column = new double[pairs];
            var p = 0;
            for (var a = 1; a < _n; a++)
                for (var b = 0; b < a; b++, p++)
                {
                    var t = x[a][j] - x[b][j];
                    column[p] = t * t;
                }
            _squaredDifferences[j] = column;
        }
        _squaredDistance = new double[pairs];
        _correlation = new double[pairs];
        _derivative = new double[pairs];
        _weight = new double[pairs];
        _matrix = new double[_n * _n];
        _inverseColumns = new double[_n * _n];
        _alpha = new double[_n];
    }

    /// <summary>Number of hyperparameters (input dimension + 2).</summary>
    public int ParameterCount => _d + 2;

    /// <summary>
    /// log p(y | θ) + log p(θ) at the log-space vector <paramref name="theta"/>; writes its gradient into
    /// <paramref name="gradient"/> unless empty. Returns -∞ when the kernel matrix is not positive definite.
    /// </summary>
    public double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        var n = _n;
        var d = _d;
        var signal = Math.Exp(theta[d]);
        var noise = Math.Exp(theta[d + 1]);
        var withGradient = !gradient.IsEmpty;

        // r² of every pair: Σⱼ Δⱼ²/ℓⱼ², accumulated one coordinate at a time.
        Array.Clear(_squaredDistance);
        for (var j = 0; j < d; j++) VectorMath.AddScaled(_squaredDistance, Math.Exp(-2 * theta[j]), _squaredDifferences[j]);
        for (var p = 0; p < _squaredDistance.Length; p++)
        {
            var r2 = _squaredDistance[p];
            var r = Math.Sqrt(r2);
            var e = Math.Exp(-Sqrt5 * r);
            _correlation[p] = (1 + Sqrt5 * r + 5.0 / 3.0 * r2) * e;
            if (withGradient) _derivative[p] = 5.0 / 3.0 * (1 + Sqrt5 * r) * e;
        }

        var k = _matrix.AsSpan();
        for (var a = 0; a < n; a++)
        {
            var row = k.Slice(a * n, a + 1);
            var pairs = _correlation.AsSpan(a * (a - 1) / 2, a);
            for (var b = 0; b < a; b++) row[b] = signal * pairs[b];
            row[a] = signal + noise;
        }
        if (!DenseCholesky.TryFactor(k, n))
        {
            if (withGradient) gradient.Clear();
            return double.NegativeInfinity;
        }
        _y.CopyTo(_alpha, 0);
        DenseCholesky.Solve(k, n, _alpha);
        var value = -0.5 * VectorMath.Dot(_y, _alpha) - 0.5 * DenseCholesky.LogDeterminant(k, n) - 0.5 * n * LogTwoPi;

        if (withGradient)
        {
            gradient.Clear();
            DenseCholesky.InverseColumns(k, n, _inverseColumns);
            // W = ααᵀ - K⁻¹ on the pairs; off-diagonal pairs count twice in the trace, which cancels the ½.
            var diagonal = 0.0;
            for (var a = 0; a < n; a++)
            {
                var w = _weight.AsSpan(a * (a - 1) / 2, a);
                for (var b = 0; b < a; b++) w[b] = _alpha[a] * _alpha[b] - DenseCholesky.InverseEntry(_inverseColumns, n, a, b);
                diagonal += _alpha[a] * _alpha[a] - DenseCholesky.InverseEntry(_inverseColumns, n, a, a);
            }
            // ∂K/∂log s² = K - σ²I; ∂K/∂log σ² = σ²I.
            gradient[d] = signal * VectorMath.Dot(_weight, _correlation) + 0.5 * diagonal * signal;
            gradient[d + 1] = 0.5 * diagonal * noise;
            // ∂K_ab/∂log ℓⱼ = s² · (5/3)(1 + √5 r)e^(-√5 r) · Δⱼ²/ℓⱼ².
            for (var p = 0; p < _weight.Length; p++) _weight[p] *= signal * _derivative[p];
            for (var j = 0; j < d; j++) gradient[j] = Math.Exp(-2 * theta[j]) * VectorMath.Dot(_weight, _squaredDifferences[j]);
        }
        return value + _prior.LogDensity(theta, gradient);
    }
}
