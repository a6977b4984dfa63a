using HyperTune.Core.Randomness;

namespace HyperTune.Core.Pareto;

/// <summary>
/// Augmented Chebyshev scalarization of loss vectors, as ParEGO (Knowles, 2006) uses it to let a single-objective
/// model search a Pareto front: each objective scaled to [0, 1] by the observed range, then
/// <c>max_k w_k f_k + rho * sum_k w_k f_k</c>. Every minimizer of it, for any positive weights, is Pareto optimal, and
/// varying the weights from one suggestion to the next spreads the suggestions along the front.
/// </summary>
public static class ChebyshevScalarization
{
    /// <summary>The augmentation's weight: small, so the max term rules and weakly dominated points lose ties.</summary>
    public const double Rho = 0.05;

    /// <summary>A weight vector drawn uniformly from the simplex (flat Dirichlet) by <paramref name="random"/>.</summary>
    public static double[] RandomWeights(int objectives, SeededRandom random)
    {
        var w = new double[objectives];
        for (var k = 0; k < objectives; k++) w[k] = -Math.Log(1 - random.NextDouble());
        var sum = w.Sum();
        for (var k = 0; k < objectives; k++) w[k] = sum > 0 ? w[k] / sum : 1.0 / objectives;
        return w;
    }

    /// <summary>Equal weights.</summary>
    public static double[] EqualWeights(int objectives) => Enumerable.Repeat(1.0 / objectives, objectives).ToArray();

    /// <summary>
    /// The scalarized losses of <paramref name="losses"/>, each objective scaled by the range of the Pareto front of
    /// the first <paramref name="normalizeOver"/> points (so that a value computed for those points does not change as more
    /// points arrive).
    /// </summary>
    public static double[] Apply(IReadOnlyList<double[]> losses, IReadOnlyList<double> weights, int normalizeOver)
    {
        var n = Math.Min(normalizeOver, losses.Count);
        var d = weights.Count;
        var low = new double[d];
        var span = new double[d];
        // Scaled from the ideal point (each objective's best) to the nadir of the non-dominated points: the range of
        // the front, not of every point tried, so the weights spread suggestions over the front itself.
        var first = losses.Take(n).ToList();
        var front = ParetoRanking.FirstFront(first).Select(i => first[i]).ToList();
        for (var k = 0; k < d; k++)
        {
            var min = n > 0 ? first.Min(p => p[k]) : 0;
            var nadir = front.Count > 0 ? front.Max(p => p[k]) : min;
            low[k] = min;
            span[k] = nadir > min ? nadir - min : 1;
        }
        var result = new double[losses.Count];
        for (var i = 0; i < losses.Count; i++)
        {
            var worst = double.NegativeInfinity;
            var sum = 0.0;
            for (var k = 0; k < d; k++)
            {
                var term = weights[k] * (losses[i][k] - low[k]) / span[k];
                worst = Math.Max(worst, term);
                sum += term;
            }
            result[i] = worst + Rho * sum;
        }
        return result;
    }
}
