namespace HyperTune.Core.Optimizers.GaussianProcess;

/// <summary>
/// The log marginal likelihood of a zero-mean GP with a Matérn 5/2 ARD kernel plus the log prior of its
/// hyperparameters (a MAP objective), and its gradient in the log-space hyperparameters:
/// log p(y | θ) = -½ yᵀK⁻¹y - ½ log|K| - (n/2) log 2π, and ∂/∂θ = ½ tr((ααᵀ - K⁻¹) ∂K/∂θ) with α = K⁻¹y.
/// </summary>
internal sealed class MarginalLikelihood
{
    private static readonly double LogTwoPi = Math.Log(2 * Math.PI);

    private readonly IReadOnlyList<double[]> _x;
    private readonly double[] _y;
    private readonly HyperparameterPrior _prior;

    /// <summary>Prepares the objective for inputs <paramref name="x"/> (rows in the unit cube) and standardized outputs <paramref name="y"/>.</summary>
    public MarginalLikelihood(IReadOnlyList<double[]> x, double[] y, HyperparameterPrior prior)
    {
        if (x.Count != y.Length) throw new ArgumentException("one output per input row is needed");
        _x = x;
        _y = y;
        _prior = prior;
    }

    /// <summary>Number of hyperparameters (input dimension + 2).</summary>
    public int ParameterCount => (_x.Count > 0 ? _x[0].Length : 0) + 2;

    /// <summary>
    /// log p(y | θ) + log p(θ) at the log-space vector <paramref name="theta"/>; writes its gradient into
    /// <paramref name="gradient"/> unless empty. Returns -∞ when the kernel matrix is not positive definite.
    /// </summary>
    public double Evaluate(ReadOnlySpan<double> theta, Span<double> gradient)
    {
        var n = _x.Count;
        var d = theta.Length - 2;
        var signal = Math.Exp(theta[d]);
        var noise = Math.Exp(theta[d + 1]);
        var inverseLengthScales = new double[d];
        for (var j = 0; j < d; j++) inverseLengthScales[j] = Math.Exp(-theta[j]);

        var lower = new double[n][];
        for (var a = 0; a < n; a++)
        {
            var row = new double[a + 1];
            for (var b = 0; b < a; b++)
                row[b] = signal * Matern52Kernel.Correlation(Matern52Kernel.ScaledSquaredDistance(_x[a], _x[b], inverseLengthScales));
            row[a] = signal + noise;
            lower[a] = row;
        }
        var chol = CholeskyFactor.Factor(lower);
        if (chol is null)
        {
            if (!gradient.IsEmpty) gradient.Clear();
            return double.NegativeInfinity;
        }
        var alpha = (double[])_y.Clone();
        chol.Solve(alpha);
        var value = -0.5 * VectorMath.Dot(_y, alpha) - 0.5 * chol.LogDeterminant() - 0.5 * n * LogTwoPi;

        if (!gradient.IsEmpty)
        {
            gradient.Clear();
            var inverse = chol.InverseLower();
            var scaled = new double[d];
            // Off-diagonal pairs count twice in the trace, which cancels the ½.
            for (var a = 0; a < n; a++)
            {
                var xa = _x[a];
                for (var b = 0; b < a; b++)
                {
                    var w = alpha[a] * alpha[b] - inverse[a][b];
                    var xb = _x[b];
                    var r2 = 0.0;
                    for (var j = 0; j < d; j++)
                    {
                        var t = (xa[j] - xb[j]) * inverseLengthScales[j];
                        scaled[j] = t * t;
                        r2 += scaled[j];
                    }
                    gradient[d] += w * lower[a][b];
                    var c = w * signal * Matern52Kernel.DerivativeFactor(r2);
                    for (var j = 0; j < d; j++) gradient[j] += c * scaled[j];
                }
                var waa = alpha[a] * alpha[a] - inverse[a][a];
                gradient[d] += 0.5 * waa * signal;
                gradient[d + 1] += 0.5 * waa * noise;
            }
        }
        return value + _prior.LogDensity(theta, gradient);
    }
}
