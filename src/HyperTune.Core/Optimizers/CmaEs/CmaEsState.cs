using System.Collections.Immutable;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace HyperTune.Core.Optimizers.CmaEs;

/// <summary>
/// The search distribution of a CMA-ES run after some generations: mean m, step size σ and covariance C (kept with
/// its eigendecomposition C = B D² Bᵀ), the two evolution paths, and the recent best and median losses the
/// termination criteria look at. Immutable: <see cref="Update"/> returns the next state.
/// </summary>
public sealed class CmaEsState
{
    // Eigenvalues are floored at this fraction of the largest one so C^{-1/2} stays finite.
    private const double MinEigenvalueRatio = 1e-20;

    // The flat-fitness rule compares the best loss with the one at this fraction of the ranking (Hansen's purecmaes).
    private const double FlatFitnessRankFraction = 0.7;

    private CmaEsState(CmaEsRun run, CmaEsParameters parameters, double[] mean, double sigma, double[,] covariance,
        double[] pathSigma, double[] pathC, int generations, ImmutableList<double> bestHistory, ImmutableList<double> medianHistory,
        double[] lastLosses)
    {
        Run = run;
        Parameters = parameters;
        Mean = mean;
        Sigma = sigma;
        Covariance = covariance;
        PathSigma = pathSigma;
        PathC = pathC;
        Generations = generations;
        BestHistory = bestHistory;
        MedianHistory = medianHistory;
        LastLosses = lastLosses;
        (EigenVectors, AxisLengths) = Decompose(covariance);
    }

    /// <summary>The run this state belongs to.</summary>
    public CmaEsRun Run { get; }

    /// <summary>The strategy constants for this run's dimension and population size.</summary>
    public CmaEsParameters Parameters { get; }

    /// <summary>n, the number of coordinates.</summary>
    public int Dimension => Mean.Length;

    /// <summary>The mean m (a point of the unit cube).</summary>
    public double[] Mean { get; }

    /// <summary>The step size σ.</summary>
    public double Sigma { get; }

    /// <summary>The covariance matrix C (the distribution's covariance is σ² C).</summary>
    public double[,] Covariance { get; }

    /// <summary>B: the eigenvectors of C, as columns.</summary>
    public double[,] EigenVectors { get; }

    /// <summary>D: the square roots of C's eigenvalues, in the order of <see cref="EigenVectors"/>' columns.</summary>
    public double[] AxisLengths { get; }

    /// <summary>p_σ, the conjugate evolution path (step-size control).</summary>
    public double[] PathSigma { get; }

    /// <summary>p_c, the evolution path (rank-one update).</summary>
    public double[] PathC { get; }

    /// <summary>Generations completed in this run.</summary>
    public int Generations { get; }

    /// <summary>The best loss of each generation of this run, oldest first.</summary>
    public ImmutableList<double> BestHistory { get; }

    /// <summary>The median loss of each generation of this run, oldest first.</summary>
    public ImmutableList<double> MedianHistory { get; }

    /// <summary>The losses of the last generation, sorted ascending (empty before the first).</summary>
    public double[] LastLosses { get; }

    /// <summary>The first state of a run: isotropic unless a covariance is given.</summary>
    public static CmaEsState Start(CmaEsRun run, CmaEsParameters parameters, double[] mean, double sigma, double[,]? covariance = null)
    {
        var n = mean.Length;
        var c = covariance ?? Identity(n);
        return new CmaEsState(run, parameters, (double[])mean.Clone(), sigma, c, new double[n], new double[n], 0,
            ImmutableList<double>.Empty, ImmutableList<double>.Empty, Array.Empty<double>());
    }

    /// <summary>B D z: a draw of N(0, C) from a standard normal vector.</summary>
    public double[] Transform(double[] z)
    {
        var n = Dimension;
        var y = new double[n];
        for (var j = 0; j < n; j++)
        {
            var dz = AxisLengths[j] * z[j];
            for (var i = 0; i < n; i++) y[i] += EigenVectors[i, j] * dz;
        }
        return y;
    }

    /// <summary>C^{-1/2} y = B D⁻¹ Bᵀ y.</summary>
    public double[] InverseSqrtTimes(double[] y)
    {
        var n = Dimension;
        var t = new double[n];
        for (var j = 0; j < n; j++)
        {
            var s = 0.0;
            for (var i = 0; i < n; i++) s += EigenVectors[i, j] * y[i];
            t[j] = s / AxisLengths[j];
        }
        var r = new double[n];
        for (var j = 0; j < n; j++)
            for (var i = 0; i < n; i++) r[i] += EigenVectors[i, j] * t[j];
        return r;
    }

    /// <summary>The standard deviation σ √C_ii of coordinate i.</summary>
    public double CoordinateDeviation(int i) => Sigma * Math.Sqrt(Covariance[i, i]);

    /// <summary>
    /// One generation's update from its λ evaluated points (in the cube, as sampled before any integer margin
    /// scaling) and their losses: weighted recombination of the mean, cumulative step-size adaptation, rank-one and
    /// rank-μ (and, with active CMA, negative rank-μ) covariance updates, and the flat-fitness step-size escape.
    /// Points flagged in <paramref name="injected"/> were not drawn from this distribution (members drawn ahead of
    /// time while trials were in flight): their steps are shortened to at most √n + 2n/(n+2) in the metric of C,
    /// as Hansen recommends for injected solutions, so they cannot derail the step-size control.
    /// </summary>
    public CmaEsState Update(IReadOnlyList<double[]> points, IReadOnlyList<double> losses, IReadOnlyList<bool>? injected = null)
    {
        var p = Parameters;
        var n = Dimension;
        if (points.Count != p.Lambda || losses.Count != p.Lambda)
            throw new ArgumentException($"a generation needs {p.Lambda} evaluated points, got {points.Count}");

        // Rank by loss; equal losses keep their sampling order so the ranking is deterministic.
        var order = Enumerable.Range(0, p.Lambda).OrderBy(i => losses[i]).ThenBy(i => i).ToArray();
        var y = new double[p.Lambda][];
        for (var k = 0; k < p.Lambda; k++)
        {
            var x = points[order[k]];
            y[k] = new double[n];
            for (var i = 0; i < n; i++) y[k][i] = (x[i] - Mean[i]) / Sigma;
            if (injected is not null && injected[order[k]])
            {
                var length = Norm(InverseSqrtTimes(y[k]));
                var limit = Math.Sqrt(n) + 2.0 * n / (n + 2);
                if (length > limit)
                    for (var i = 0; i < n; i++) y[k][i] *= limit / length;
            }
        }

        var yw = new double[n];
        for (var k = 0; k < p.Mu; k++)
            for (var i = 0; i < n; i++) yw[i] += p.Weights[k] * y[k][i];
        var mean = new double[n];
        for (var i = 0; i < n; i++) mean[i] = Mean[i] + Sigma * yw[i];

        var invSqrtYw = InverseSqrtTimes(yw);
        var pathSigma = new double[n];
        var cs = Math.Sqrt(p.CSigma * (2 - p.CSigma) * p.MuEff);
        for (var i = 0; i < n; i++) pathSigma[i] = (1 - p.CSigma) * PathSigma[i] + cs * invSqrtYw[i];
        var psNorm = Norm(pathSigma);

        var generation = Generations + 1;
        var hsigThreshold = (1.4 + 2 / (n + 1.0)) * p.ExpectedNorm;
        var hsig = psNorm / Math.Sqrt(1 - Math.Pow(1 - p.CSigma, 2 * generation)) < hsigThreshold ? 1.0 : 0.0;

        var pathC = new double[n];
        var cc = Math.Sqrt(p.Cc * (2 - p.Cc) * p.MuEff);
        for (var i = 0; i < n; i++) pathC[i] = (1 - p.Cc) * PathC[i] + hsig * cc * yw[i];

        // Negative weights act on directions rescaled to length √n, so a far-off bad sample cannot dominate.
        var effective = new double[p.Lambda];
        for (var k = 0; k < p.Lambda; k++)
        {
            var w = p.Weights[k];
            if (w >= 0) { effective[k] = w; continue; }
            var len2 = SquaredNorm(InverseSqrtTimes(y[k]));
            effective[k] = len2 > 0 ? w * n / len2 : 0;
        }
        var lostVariance = (1 - hsig) * p.Cc * (2 - p.Cc);
        var decay = 1 + p.C1 * lostVariance - p.C1 - p.CMu * p.WeightSum;
        var cov = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++)
            {
                var rankMu = 0.0;
                for (var k = 0; k < p.Lambda; k++)
                    if (effective[k] != 0) rankMu += effective[k] * y[k][i] * y[k][j];
                var v = decay * Covariance[i, j] + p.C1 * pathC[i] * pathC[j] + p.CMu * rankMu;
                cov[i, j] = v;
                cov[j, i] = v;
            }

        var sigma = Sigma * Math.Exp(p.CSigma / p.DSigma * (psNorm / p.ExpectedNorm - 1));
        var sorted = order.Select(i => losses[i]).ToArray();
        // Flat fitness: when most of the population ties with the best, σ grows to get off the plateau.
        var flatRank = Math.Clamp((int)Math.Ceiling(p.Lambda * FlatFitnessRankFraction) - 1, 1, p.Lambda - 1);
        if (sorted[0] == sorted[flatRank])
            sigma *= Math.Exp(0.2 + p.CSigma / p.DSigma);

        return new CmaEsState(Run, p, mean, sigma, cov, pathSigma, pathC, generation,
            BestHistory.Add(sorted[0]), MedianHistory.Add(Median(sorted)), sorted);
    }

    private static double Median(double[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;

    private static double[,] Identity(int n)
    {
        var c = new double[n, n];
        for (var i = 0; i < n; i++) c[i, i] = 1;
        return c;
    }

    private static (double[,] B, double[] D) Decompose(double[,] covariance)
    {
        var n = covariance.GetLength(0);
        var b = new double[n, n];
        var d = new double[n];
        var diagonal = true;
        for (var i = 0; i < n && diagonal; i++)
            for (var j = 0; j < n; j++)
                if (i != j && covariance[i, j] != 0) { diagonal = false; break; }
        if (diagonal)
        {
            // The usual start (and any diagonal C): no decomposition needed, and none of its rounding.
            for (var i = 0; i < n; i++) { b[i, i] = 1; d[i] = Math.Sqrt(Math.Max(covariance[i, i], 0)); }
        }
        else
        {
            var evd = Matrix<double>.Build.DenseOfArray(covariance).Evd(Symmetricity.Symmetric);
            var values = evd.EigenValues;
            var vectors = evd.EigenVectors;
            for (var j = 0; j < n; j++)
            {
                d[j] = Math.Sqrt(Math.Max(values[j].Real, 0));
                for (var i = 0; i < n; i++) b[i, j] = vectors[i, j];
            }
        }
        var floor = Math.Sqrt(MinEigenvalueRatio) * Math.Max(d.Max(), double.Epsilon);
        for (var j = 0; j < n; j++) d[j] = Math.Max(d[j], floor);
        return (b, d);
    }

    private static double SquaredNorm(double[] v)
    {
        var s = 0.0;
        foreach (var x in v) s += x * x;
        return s;
    }

    private static double Norm(double[] v) => Math.Sqrt(SquaredNorm(v));
}
