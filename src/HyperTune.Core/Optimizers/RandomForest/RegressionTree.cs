using HyperTune.Core.Randomness;

namespace HyperTune.Core.Optimizers.RandomForest;

/// <summary>
/// A regression tree grown by greedy variance reduction. Numeric features split on a threshold; categorical
/// features (given as a category index) split on a subset of categories, found optimally by ordering the categories
/// present in the node by their mean target (Breiman's result for squared error). Each leaf keeps the mean, variance
/// and count of its targets. Immutable once built.
/// </summary>
public sealed class RegressionTree
{
    /// <summary>Random thresholds keep this fraction of the gap away from either neighbouring value.</summary>
    public const double ThresholdMargin = 0.05;

    // Nodes are stored in parallel arrays; a node is a leaf when its left child is -1.
    private readonly int[] _feature;
    private readonly double[] _threshold;
    private readonly bool[]?[] _leftCategories;
    private readonly int[] _left;
    private readonly int[] _right;
    private readonly double[] _mean;
    private readonly double[] _variance;

    private RegressionTree(List<Node> nodes)
    {
        var n = nodes.Count;
        _feature = new int[n];
        _threshold = new double[n];
        _leftCategories = new bool[]?[n];
        _left = new int[n];
        _right = new int[n];
        _mean = new double[n];
        _variance = new double[n];
        for (var i = 0; i < n; i++)
        {
            var node = nodes[i];
            _feature[i] = node.Feature;
            _threshold[i] = node.Threshold;
            _leftCategories[i] = node.LeftCategories;
            _left[i] = node.Left;
            _right[i] = node.Right;
            _mean[i] = node.Mean;
            _variance[i] = node.Variance;
        }
    }

    /// <summary>Number of nodes (splits and leaves).</summary>
    public int NodeCount => _feature.Length;

    // Read access to the structure, for analyses that integrate a tree over its partition (ParameterImportance).
    // Node 0 is the root; a node is a leaf when LeftChild is -1.

    /// <summary>The left child of a node, or -1 when it is a leaf.</summary>
    internal int LeftChild(int node) => _left[node];

    /// <summary>The right child of a split node.</summary>
    internal int RightChild(int node) => _right[node];

    /// <summary>The feature a split node tests.</summary>
    internal int SplitFeature(int node) => _feature[node];

    /// <summary>A numeric split's threshold: values at or below it go left.</summary>
    internal double SplitThreshold(int node) => _threshold[node];

    /// <summary>A categorical split's left categories (indexed by category), or null for a numeric split.</summary>
    internal IReadOnlyList<bool>? SplitLeftCategories(int node) => _leftCategories[node];

    /// <summary>The mean target of the rows that reached a node (the prediction when it is a leaf).</summary>
    internal double NodeMean(int node) => _mean[node];

    /// <summary>
    /// Grows a tree on the rows <paramref name="rows"/> (indices into <paramref name="x"/>, repeats allowed, as a
    /// bootstrap sample gives them).
    /// </summary>
    /// <param name="x">Feature rows: numeric features as numbers, categorical ones as a category index.</param>
    /// <param name="y">Targets.</param>
    /// <param name="rows">Which rows to train on.</param>
    /// <param name="categoryCounts">Per feature: 0 for numeric, else the number of categories.</param>
    /// <param name="options">Growth limits.</param>
    /// <param name="random">Source for feature subsets, threshold positions and unseen-category sides.</param>
    public static RegressionTree Fit(IReadOnlyList<double[]> x, IReadOnlyList<double> y, int[] rows, IReadOnlyList<int> categoryCounts,
        TreeOptions options, SeededRandom random)
    {
        if (rows.Length == 0) throw new ArgumentException("a tree needs at least one row", nameof(rows));
        var builder = new Builder(x, y, categoryCounts, options, random);
        builder.Grow((int[])rows.Clone(), 0);
        return new RegressionTree(builder.Nodes);
    }

    /// <summary>The mean and variance of the targets in the leaf <paramref name="features"/> falls in.</summary>
    public (double Mean, double Variance) Predict(IReadOnlyList<double> features)
    {
        var i = 0;
        while (_left[i] >= 0)
        {
            var v = features[_feature[i]];
            var goLeft = _leftCategories[i] is { } cats
                ? (int)v is var c && c >= 0 && c < cats.Length && cats[c]
                : v <= _threshold[i];
            i = goLeft ? _left[i] : _right[i];
        }
        return (_mean[i], _variance[i]);
    }

    private sealed class Node
    {
        public int Feature = -1;
        public double Threshold;
        public bool[]? LeftCategories;
        public int Left = -1;
        public int Right = -1;
        public double Mean;
        public double Variance;
    }

    private sealed class Builder
    {
        private readonly IReadOnlyList<double[]> _x;
        private readonly IReadOnlyList<double> _y;
        private readonly IReadOnlyList<int> _categoryCounts;
        private readonly TreeOptions _options;
        private readonly SeededRandom _random;
        private readonly int[] _featureOrder;

        public List<Node> Nodes { get; } = new();

        public Builder(IReadOnlyList<double[]> x, IReadOnlyList<double> y, IReadOnlyList<int> categoryCounts, TreeOptions options, SeededRandom random)
        {
            _x = x;
            _y = y;
            _categoryCounts = categoryCounts;
            _options = options;
            _random = random;
            _featureOrder = Enumerable.Range(0, categoryCounts.Count).ToArray();
        }

        public int Grow(int[] rows, int depth)
        {
            var index = Nodes.Count;
            var node = new Node();
            Nodes.Add(node);
            double sum = 0, sumSq = 0;
            foreach (var r in rows)
            {
                sum += _y[r];
                sumSq += _y[r] * _y[r];
            }
            node.Mean = sum / rows.Length;
            node.Variance = Math.Max(0, sumSq / rows.Length - node.Mean * node.Mean);
            if (rows.Length < _options.MinSamplesSplit || depth >= _options.MaxDepth || node.Variance <= _options.PurityEpsilon)
                return index;

            var split = BestSplit(rows);
            if (split is null) return index;
            var (left, right) = Partition(rows, split.Value);
            node.Feature = split.Value.Feature;
            node.Threshold = split.Value.Threshold;
            node.LeftCategories = split.Value.LeftCategories;
            node.Left = Grow(left, depth + 1);
            node.Right = Grow(right, depth + 1);
            return index;
        }

        private (int[] Left, int[] Right) Partition(int[] rows, Split split)
        {
            var left = new List<int>(rows.Length);
            var right = new List<int>(rows.Length);
            foreach (var r in rows)
            {
                var v = _x[r][split.Feature];
                var goLeft = split.LeftCategories is { } cats ? cats[(int)v] : v <= split.Threshold;
                (goLeft ? left : right).Add(r);
            }
            return (left.ToArray(), right.ToArray());
        }

        private Split? BestSplit(int[] rows)
        {
            // A random subset of the features is considered at each node (partial Fisher-Yates shuffle).
            var d = _featureOrder.Length;
            var tried = Math.Clamp((int)Math.Ceiling(_options.FeatureFraction * d), 1, d);
            for (var i = 0; i < tried; i++)
            {
                var j = i + _random.NextInt(d - i);
                (_featureOrder[i], _featureOrder[j]) = (_featureOrder[j], _featureOrder[i]);
            }
            Split? best = null;
            for (var i = 0; i < tried; i++)
            {
                var f = _featureOrder[i];
                var candidate = _categoryCounts[f] > 0 ? CategoricalSplit(rows, f) : NumericSplit(rows, f);
                if (candidate is { } c && (best is null || c.Gain > best.Value.Gain)) best = c;
            }
            return best is { } b && b.Gain > 0 ? b : null;
        }

        private Split? NumericSplit(int[] rows, int f)
        {
            var n = rows.Length;
            var order = (int[])rows.Clone();
            var keys = new double[n];
            for (var i = 0; i < n; i++) keys[i] = _x[order[i]][f];
            Array.Sort(keys, order);
            double total = 0, totalSq = 0;
            foreach (var r in order)
            {
                total += _y[r];
                totalSq += _y[r] * _y[r];
            }
            var parentSse = totalSq - total * total / n;
            double leftSum = 0, leftSq = 0;
            var bestGain = 0.0;
            var bestAt = -1;
            var minLeaf = _options.MinSamplesLeaf;
            for (var i = 0; i < n - 1; i++)
            {
                var yi = _y[order[i]];
                leftSum += yi;
                leftSq += yi * yi;
                var nl = i + 1;
                var nr = n - nl;
                if (keys[i] == keys[i + 1] || nl < minLeaf || nr < minLeaf) continue;
                var rightSum = total - leftSum;
                var rightSq = totalSq - leftSq;
                var sse = leftSq - leftSum * leftSum / nl + rightSq - rightSum * rightSum / nr;
                var gain = parentSse - sse;
                if (gain > bestGain)
                {
                    bestGain = gain;
                    bestAt = i;
                }
            }
            if (bestAt < 0) return null;
            // A random cut between the two neighbouring values: averaged over trees this smooths the forest's mean
            // between observations instead of stepping at midpoints only.
            var lo = keys[bestAt];
            var hi = keys[bestAt + 1];
            var threshold = _options.RandomThresholds
                ? lo + (hi - lo) * (ThresholdMargin + (1 - 2 * ThresholdMargin) * _random.NextDouble())
                : (lo + hi) / 2;
            if (!(threshold >= lo && threshold < hi)) threshold = lo;
            return new Split(f, threshold, null, bestGain);
        }

        private Split? CategoricalSplit(int[] rows, int f)
        {
            var k = _categoryCounts[f];
            var count = new int[k];
            var sum = new double[k];
            double total = 0, totalSq = 0;
            foreach (var r in rows)
            {
                var c = (int)_x[r][f];
                count[c]++;
                sum[c] += _y[r];
                total += _y[r];
                totalSq += _y[r] * _y[r];
            }
            var present = Enumerable.Range(0, k).Where(c => count[c] > 0).OrderBy(c => sum[c] / count[c]).ThenBy(c => c).ToArray();
            if (present.Length < 2) return null;
            var n = rows.Length;
            var parentSse = totalSq - total * total / n;
            double leftSum = 0;
            var nl = 0;
            var bestGain = 0.0;
            var bestAt = -1;
            // With categories sorted by mean, the best two-way partition is a prefix of that order.
            for (var i = 0; i < present.Length - 1; i++)
            {
                leftSum += sum[present[i]];
                nl += count[present[i]];
                var nr = n - nl;
                if (nl < _options.MinSamplesLeaf || nr < _options.MinSamplesLeaf) continue;
                var rightSum = total - leftSum;
                // SSE = sum(y^2) - S_l^2/n_l - S_r^2/n_r; sum(y^2) is common to all splits.
                var gain = parentSse - (totalSq - leftSum * leftSum / nl - rightSum * rightSum / nr);
                if (gain > bestGain)
                {
                    bestGain = gain;
                    bestAt = i;
                }
            }
            if (bestAt < 0) return null;
            var left = new bool[k];
            for (var i = 0; i <= bestAt; i++) left[present[i]] = true;
            // Categories absent from this node go to a random side, so trees disagree about them (model uncertainty).
            for (var c = 0; c < k; c++)
                if (count[c] == 0) left[c] = _random.NextInt(2) == 0;
            return new Split(f, 0, left, bestGain);
        }
    }

    private readonly record struct Split(int Feature, double Threshold, bool[]? LeftCategories, double Gain);
}
