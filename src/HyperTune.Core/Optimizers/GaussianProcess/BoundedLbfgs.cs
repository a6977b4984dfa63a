namespace HyperTune.Core.Optimizers.GaussianProcess;

/// <summary>
/// A small projected L-BFGS minimizer for box constraints: quasi-Newton directions from the last few gradient
/// pairs, restricted to the variables not held at a bound, and a backtracking (Armijo) line search along the
/// projected path. Deterministic and allocation-light; good enough for the GP's smooth, low-dimensional problems
/// (hyperparameters, acquisition maximization) without the machinery of full L-BFGS-B.
/// </summary>
internal static class BoundedLbfgs
{
    /// <summary>f(x), writing ∇f(x) into the gradient span. May return +∞ (or NaN) where f is undefined.</summary>
    public delegate double Objective(ReadOnlySpan<double> x, Span<double> gradient);

    private const double ArmijoFraction = 1e-4;
    private const int MaxBacktracks = 30;

    /// <summary>The result of a minimization.</summary>
    public readonly record struct Result(double[] X, double Value, int Evaluations);

    /// <summary>Minimizes <paramref name="f"/> from <paramref name="start"/> within [lower, upper].</summary>
    /// <param name="f">Objective with gradient.</param>
    /// <param name="start">Starting point (clamped into the box).</param>
    /// <param name="lower">Lower bounds.</param>
    /// <param name="upper">Upper bounds.</param>
    /// <param name="maxIterations">Iteration cap.</param>
    /// <param name="gradientTolerance">Stop when the projected gradient's largest component is below this.</param>
    /// <param name="relativeTolerance">Stop when an iteration improves f by less than this fraction of max(1, |f|).</param>
    /// <param name="memory">How many (s, y) pairs shape the quasi-Newton direction.</param>
    public static Result Minimize(Objective f, ReadOnlySpan<double> start, ReadOnlySpan<double> lower, ReadOnlySpan<double> upper,
        int maxIterations, double gradientTolerance = 1e-6, double relativeTolerance = 1e-9, int memory = 8)
    {
        var n = start.Length;
        var x = new double[n];
        for (var i = 0; i < n; i++) x[i] = Math.Clamp(start[i], lower[i], upper[i]);
        var g = new double[n];
        var fx = f(x, g);
        var evaluations = 1;
        if (!double.IsFinite(fx)) return new Result(x, fx, evaluations);

        var sList = new List<double[]>(memory);
        var yList = new List<double[]>(memory);
        var rho = new List<double>(memory);
        var d = new double[n];
        var xn = new double[n];
        var gn = new double[n];
        var alphas = new double[memory];
        var free = new bool[n];

        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            var projected = 0.0;
            for (var i = 0; i < n; i++)
            {
                free[i] = !((x[i] <= lower[i] && g[i] > 0) || (x[i] >= upper[i] && g[i] < 0));
                projected = Math.Max(projected, Math.Abs(Math.Clamp(x[i] - g[i], lower[i], upper[i]) - x[i]));
            }
            if (projected < gradientTolerance) break;

            // Two-loop recursion on the free components.
            for (var i = 0; i < n; i++) d[i] = free[i] ? g[i] : 0;
            for (var k = sList.Count - 1; k >= 0; k--)
            {
                alphas[k] = rho[k] * MaskedDot(sList[k], d, free);
                Axpy(d, -alphas[k], yList[k], free);
            }
            if (sList.Count > 0)
            {
                var last = sList.Count - 1;
                var gamma = MaskedDot(sList[last], yList[last], free) / Math.Max(MaskedDot(yList[last], yList[last], free), 1e-300);
                if (!(gamma > 0) || !double.IsFinite(gamma)) gamma = 1;
                for (var i = 0; i < n; i++) d[i] *= gamma;
            }
            for (var k = 0; k < sList.Count; k++)
            {
                var beta = rho[k] * MaskedDot(yList[k], d, free);
                Axpy(d, alphas[k] - beta, sList[k], free);
            }
            var slope = 0.0;
            for (var i = 0; i < n; i++)
            {
                d[i] = free[i] ? -d[i] : 0;
                slope += d[i] * g[i];
            }
            var step = 1.0;
            if (!(slope < 0) || !double.IsFinite(slope))
            {
                // Not a descent direction: fall back to steepest descent and forget the curvature pairs.
                sList.Clear();
                yList.Clear();
                rho.Clear();
                for (var i = 0; i < n; i++) d[i] = free[i] ? -g[i] : 0;
            }
            if (sList.Count == 0)
            {
                var norm = 0.0;
                for (var i = 0; i < n; i++) norm = Math.Max(norm, Math.Abs(d[i]));
                step = norm > 0 ? Math.Min(1, 1 / norm) : 1;
            }

            var accepted = false;
            var fn = double.NaN;
            for (var b = 0; b < MaxBacktracks; b++)
            {
                var decrease = 0.0;
                var moved = false;
                for (var i = 0; i < n; i++)
                {
                    xn[i] = Math.Clamp(x[i] + step * d[i], lower[i], upper[i]);
                    decrease += g[i] * (xn[i] - x[i]);
                    moved |= xn[i] != x[i];
                }
                if (!moved) break;
                fn = f(xn, gn);
                evaluations++;
                if (double.IsFinite(fn) && fn <= fx + ArmijoFraction * decrease)
                {
                    accepted = true;
                    break;
                }
                step *= 0.5;
            }
            if (!accepted) break;

            var s = new double[n];
            var y = new double[n];
            double sy = 0, yy = 0;
            for (var i = 0; i < n; i++)
            {
                s[i] = xn[i] - x[i];
                y[i] = gn[i] - g[i];
                sy += s[i] * y[i];
                yy += y[i] * y[i];
            }
            if (sy > 1e-10 * yy && sy > 0)
            {
                if (sList.Count == memory)
                {
                    sList.RemoveAt(0);
                    yList.RemoveAt(0);
                    rho.RemoveAt(0);
                }
                sList.Add(s);
                yList.Add(y);
                rho.Add(1 / sy);
            }
            var improvement = fx - fn;
            Array.Copy(xn, x, n);
            Array.Copy(gn, g, n);
            fx = fn;
            if (improvement <= relativeTolerance * Math.Max(1, Math.Abs(fx))) break;
        }
        return new Result(x, fx, evaluations);
    }

    private static double MaskedDot(double[] a, double[] b, bool[] mask)
    {
        var s = 0.0;
        for (var i = 0; i < a.Length; i++)
            if (mask[i]) s += a[i] * b[i];
        return s;
    }

    private static void Axpy(double[] y, double alpha, double[] x, bool[] mask)
    {
        for (var i = 0; i < y.Length; i++)
            if (mask[i]) y[i] += alpha * x[i];
    }
}
