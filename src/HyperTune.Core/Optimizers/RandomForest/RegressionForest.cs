using HyperTune.Core.Randomness;

namespace HyperTune.Core.Optimizers.RandomForest;

/// <summary>
/// A random forest of <see cref="RegressionTree"/>s, each grown on a bootstrap sample (or on all rows) with random
/// feature subsets. Predicts a mean and a variance: the spread of the trees' leaf means, plus (optionally) the
/// average within-leaf variance, i.e. the variance of the mixture of the trees' leaf distributions.
/// </summary>
public sealed class RegressionForest
{
    private readonly RegressionTree[] _trees;
    private readonly bool _withinLeafVariance;

    private RegressionForest(RegressionTree[] trees, bool withinLeafVariance)
    {
        _trees = trees;
        _withinLeafVariance = withinLeafVariance;
    }

    /// <summary>The trees.</summary>
    public IReadOnlyList<RegressionTree> Trees => _trees;

    /// <summary>Fits a forest; deterministic given <paramref name="random"/>'s state.</summary>
    /// <param name="x">Feature rows (see <see cref="RegressionTree.Fit"/>).</param>
    /// <param name="y">Targets.</param>
    /// <param name="categoryCounts">Per feature: 0 for numeric, else the number of categories.</param>
    /// <param name="trees">Number of trees.</param>
    /// <param name="bootstrap">Train each tree on a bootstrap sample rather than on every row.</param>
    /// <param name="withinLeafVariance">Add the mean within-leaf variance to the across-tree variance.</param>
    /// <param name="options">Tree growth options.</param>
    /// <param name="random">Source of randomness.</param>
    public static RegressionForest Fit(IReadOnlyList<double[]> x, IReadOnlyList<double> y, IReadOnlyList<int> categoryCounts,
        int trees, bool bootstrap, bool withinLeafVariance, TreeOptions options, SeededRandom random)
    {
        if (x.Count == 0 || x.Count != y.Count) throw new ArgumentException("a forest needs as many targets as rows, and at least one");
        if (trees < 1) throw new ArgumentOutOfRangeException(nameof(trees));
        var result = new RegressionTree[trees];
        var n = x.Count;
        for (var t = 0; t < trees; t++)
        {
            // Each tree has its own stream, so tree t does not depend on how much randomness earlier trees used.
            var treeRandom = SeededRandom.Derive(unchecked((long)random.NextUInt64()), t);
            var rows = new int[n];
            for (var i = 0; i < n; i++) rows[i] = bootstrap ? treeRandom.NextInt(n) : i;
            result[t] = RegressionTree.Fit(x, y, rows, categoryCounts, options, treeRandom);
        }
        return new RegressionForest(result, withinLeafVariance);
    }

    /// <summary>Predictive mean and variance at a feature row.</summary>
    public (double Mean, double Variance) Predict(IReadOnlyList<double> features)
    {
        double sum = 0, sumSq = 0, leafVariance = 0;
        foreach (var tree in _trees)
        {
            var (m, v) = tree.Predict(features);
            sum += m;
            sumSq += m * m;
            leafVariance += v;
        }
        var k = _trees.Length;
        var mean = sum / k;
        var variance = Math.Max(0, sumSq / k - mean * mean);
        if (_withinLeafVariance) variance += leafVariance / k;
        return (mean, variance);
    }
}
