using HyperTune.Core.Randomness;

namespace HyperTune.Core.Optimizers.Tpe;

/// <summary>
/// A Parzen (kernel density) estimator over the dimensions of one <see cref="ParameterGroup"/>: a weighted mixture
/// with one component per observation plus an optional prior component. A component is a product of one kernel per
/// dimension: a Gaussian truncated to the unit interval for numeric parameters (integrated over the value's cell for
/// discrete ones) and a smoothed indicator of the observed choice for categorical ones. With one dimension this is
/// the classic univariate TPE estimator; with several it is the multivariate one.
/// </summary>
/// <remarks>
/// Arrays are laid out per dimension over components (structure of arrays), so evaluating a candidate is a few
/// vectorized passes over contiguous memory followed by one log-sum-exp.
/// </remarks>
internal sealed class ParzenEstimator
{
    // Truncated-normal draws are retried this many times before falling back to the nearest end of the range.
    private const int MaxRejectionDraws = 64;
    // Smallest kernel width in unit coordinates, whatever the settings: keeps 1/sigma finite for duplicate points.
    private const double SigmaFloor = 1e-9;
    // Smallest probability a categorical kernel gives a choice (only reached with priorWeight 0).
    private const double ChoiceProbabilityFloor = 1e-12;

    private readonly TpeDimension[] _dimensions;
    private readonly int _components;
    private readonly double[] _cumulativeWeight;
    private readonly double[] _base;
    private readonly double[]?[] _mu;
    private readonly double[]?[] _sigma;
    private readonly double[]?[] _inverseSigma;
    private readonly int[]?[] _choice;
    private readonly double[]?[] _logHit;
    private readonly double[]?[] _logMiss;
    private readonly double[] _keepChoice;
    private readonly double[] _scratch;

    private ParzenEstimator(TpeDimension[] dimensions, int components)
    {
        _dimensions = dimensions;
        _components = components;
        _cumulativeWeight = new double[components];
        _base = new double[components];
        var d = dimensions.Length;
        _mu = new double[d][];
        _sigma = new double[d][];
        _inverseSigma = new double[d][];
        _choice = new int[d][];
        _logHit = new double[d][];
        _logMiss = new double[d][];
        _keepChoice = new double[d];
        _scratch = new double[components];
    }

    /// <summary>The number of mixture components (observations plus the prior).</summary>
    public int Components => _components;

    /// <summary>
    /// Fits the estimator to observations: <paramref name="rows"/>[<paramref name="members"/>[k]] is the encoded row
    /// of the k-th observation (indexed by <see cref="TpeDimension.SpaceIndex"/>), weighing <paramref name="weights"/>[k].
    /// <paramref name="sortedMembers"/>[d], when given, lists the positions in <paramref name="members"/> sorted by the
    /// value in dimension d (ties by position), which the neighbour rule needs; missing orders are computed here.
    /// <paramref name="pending"/>[k], when set, marks a pending trial's kernel (the constant liar): it takes part in
    /// the mixture but not in choosing the other kernels' widths, so fantasies do not reshape the model of the real
    /// observations; its width is scaled by <see cref="TpeSettings.LiarBandwidthFactor"/>. <paramref name="floorCredit"/> adds that many (possibly fractional) kernels to the count that
    /// sets the magic-clip width floor, so the floor can be lowered without adding components. Returns null when
    /// there is nothing to fit (no observation and no prior).
    /// </summary>
    public static ParzenEstimator? Fit(TpeDimension[] dimensions, IReadOnlyList<double[]> rows,
        ReadOnlySpan<int> members, ReadOnlySpan<double> weights, TpeSettings settings, int[]?[]? sortedMembers = null,
        bool[]? pending = null, double floorCredit = 0.0)
    {
        var n = members.Length;
        var real = n;
        if (pending is not null)
            for (var k = 0; k < n; k++) if (pending[k]) real--;
        var hasPrior = settings.PriorWeight > 0;
        var m = n + (hasPrior ? 1 : 0);
        if (m == 0) return null;
        var e = new ParzenEstimator(dimensions, m);

        // Mixture weights, normalized, with the prior last.
        var total = hasPrior ? settings.PriorWeight : 0.0;
        for (var k = 0; k < n; k++) total += weights[k];
        var logWeights = new double[m];
        var cumulative = 0.0;
        for (var k = 0; k < m; k++)
        {
            var w = k < n ? weights[k] : settings.PriorWeight;
            logWeights[k] = Math.Log(w / total);
            cumulative += w / total;
            e._cumulativeWeight[k] = cumulative;
        }
        e._cumulativeWeight[m - 1] = 1.0;
        Array.Copy(logWeights, e._base, m);

        var rule = settings.EffectiveBandwidth;
        for (var d = 0; d < dimensions.Length; d++)
        {
            var dim = dimensions[d];
            if (dim.Kind == TpeDimensionKind.Categorical)
            {
                FitCategorical(e, d, dim, rows, members, settings.PriorWeight, hasPrior);
                continue;
            }
            var mu = new double[m];
            for (var k = 0; k < n; k++) mu[k] = rows[members[k]][dim.SpaceIndex];
            if (hasPrior) mu[n] = 0.5;
            var sigma = rule == TpeBandwidthRule.Neighbor
                ? NeighborBandwidths(mu, n, hasPrior, sortedMembers?[d] ?? SortedPositions(mu, n), pending, settings.ConsiderEndpoints)
                : ScottBandwidths(mu, n, real, pending, dimensions.Length, settings.BandwidthFactor, rule == TpeBandwidthRule.Adaptive);
            var kernels = real + (hasPrior ? 1 : 0) + floorCredit;
            var minSigma = settings.ConsiderMagicClip ? 1.0 / Math.Min(100.0, kernels + 1.0) : 0.0;
            minSigma = Math.Max(Math.Max(minSigma, settings.MinBandwidth), SigmaFloor);
            var inverse = new double[m];
            double lastSigma = double.NaN, lastLogSigma = double.NaN;
            for (var k = 0; k < m; k++)
            {
                // The prior spans the whole range; observation kernels are clipped to [minSigma, range].
                var s = hasPrior && k == n ? 1.0 : Math.Clamp(sigma[k], minSigma, 1.0);
                // A pending kernel is narrowed after the clip: it should stop exact repeats of the points in flight,
                // not push the search away from the neighbourhood they share with the best observations.
                if (pending is not null && k < n && pending[k]) s = Math.Max(s * settings.LiarBandwidthFactor, SigmaFloor);
                sigma[k] = s;
                inverse[k] = 1.0 / s;
                // Truncation to [0, 1] renormalizes each kernel by its mass there.
                e._base[k] -= KernelMath.LogTruncationMass(-mu[k] * inverse[k], (1.0 - mu[k]) * inverse[k]);
                if (dim.Kind == TpeDimensionKind.Continuous)
                {
                    // Many kernels share the clipped minimum width: reuse the last logarithm.
                    if (s != lastSigma) { lastSigma = s; lastLogSigma = Math.Log(s); }
                    e._base[k] -= lastLogSigma + KernelMath.LogSqrt2Pi;
                }
            }
            e._mu[d] = mu;
            e._sigma[d] = sigma;
            e._inverseSigma[d] = inverse;
        }
        return e;
    }

    private static void FitCategorical(ParzenEstimator e, int d, TpeDimension dim, IReadOnlyList<double[]> rows,
        ReadOnlySpan<int> members, double priorWeight, bool hasPrior)
    {
        var n = members.Length;
        var m = e._components;
        var choices = dim.ChoiceCount;
        var choice = new int[m];
        var hit = new double[m];
        var miss = new double[m];
        // Each observation's kernel: every choice gets priorWeight / (n + 1) and its own choice 1 more, normalized,
        // so kernels sharpen as observations accumulate (as in Optuna and Hyperopt).
        var smoothing = priorWeight / (n + 1.0);
        var norm = 1.0 + choices * smoothing;
        var logHit = Math.Log(Math.Max((1.0 + smoothing) / norm, ChoiceProbabilityFloor));
        var logMiss = Math.Log(Math.Max(smoothing / norm, ChoiceProbabilityFloor));
        for (var k = 0; k < n; k++)
        {
            choice[k] = (int)rows[members[k]][dim.SpaceIndex];
            hit[k] = logHit;
            miss[k] = logMiss;
        }
        if (hasPrior)
        {
            // The prior is uniform over the choices.
            choice[n] = -1;
            hit[n] = miss[n] = -Math.Log(choices);
        }
        e._choice[d] = choice;
        e._logHit[d] = hit;
        e._logMiss[d] = miss;
        e._keepChoice[d] = 1.0 / norm;
    }

    /// <summary>
    /// Hyperopt's rule: sort the kernel centres (the prior's included) and give each the larger of the gaps to its
    /// neighbours; the range's ends are neighbours of the outermost centres only when asked to. Pending kernels are
    /// not neighbours of anyone: their own gaps are measured to the nearest real centres.
    /// <paramref name="order"/> lists the n observation components sorted by centre; the prior (component n, centre
    /// 1/2) is merged in after any equal centre.
    /// </summary>
    private static double[] NeighborBandwidths(double[] mu, int n, bool hasPrior, int[] order, bool[]? pending, bool considerEndpoints)
    {
        var m = mu.Length;
        var sigma = new double[m];
        var sorted = new int[m];
        var j = 0;
        var priorPlaced = !hasPrior;
        for (var k = 0; k < n; k++)
        {
            if (!priorPlaced && mu[order[k]] > mu[n])
            {
                sorted[j++] = n;
                priorPlaced = true;
            }
            sorted[j++] = order[k];
        }
        if (!priorPlaced) sorted[j] = n;

        bool IsReal(int component) => pending is null || component >= n || !pending[component];
        // Nearest real centre before and after each sorted position (NaN when there is none).
        var previous = new double[m];
        var next = new double[m];
        var last = double.NaN;
        for (j = 0; j < m; j++)
        {
            previous[j] = last;
            if (IsReal(sorted[j])) last = mu[sorted[j]];
        }
        last = double.NaN;
        for (j = m - 1; j >= 0; j--)
        {
            next[j] = last;
            if (IsReal(sorted[j])) last = mu[sorted[j]];
        }
        var realCount = 0;
        for (j = 0; j < m; j++) if (IsReal(sorted[j])) realCount++;
        for (j = 0; j < m; j++)
        {
            var here = mu[sorted[j]];
            var hasLeft = !double.IsNaN(previous[j]);
            var hasRight = !double.IsNaN(next[j]);
            var left = here - (hasLeft ? previous[j] : 0.0);
            var right = (hasRight ? next[j] : 1.0) - here;
            // Without endpoints, an outermost kernel takes its inner gap on both sides (when it has one).
            if (!considerEndpoints && realCount >= 2)
            {
                if (!hasLeft && hasRight) left = right;
                else if (!hasRight && hasLeft) right = left;
            }
            sigma[sorted[j]] = realCount == 1 && IsReal(sorted[j]) ? 1.0 : Math.Max(left, right);
        }
        return sigma;
    }

    /// <summary>Positions 0..n-1 sorted by centre, ties by position.</summary>
    private static int[] SortedPositions(double[] mu, int n)
    {
        var order = new int[n];
        for (var k = 0; k < n; k++) order[k] = k;
        Array.Sort(order, (x, y) => mu[x] != mu[y] ? mu[x].CompareTo(mu[y]) : x.CompareTo(y));
        return order;
    }

    /// <summary>
    /// Scott's rule on the unit range, <c>factor * n^(-1/(d+4))</c>; the adaptive variant scales it per dimension by
    /// the observations' standard deviation relative to a uniform spread (1/sqrt 12), so it equals Scott's rule for
    /// uniformly spread points and narrows as they concentrate.
    /// </summary>
    private static double[] ScottBandwidths(double[] mu, int n, int real, bool[]? pending, int dimensions, double factor, bool adaptive)
    {
        var width = factor * Math.Pow(Math.Max(real, 1), -1.0 / (dimensions + 4));
        if (adaptive && real >= 2)
        {
            double mean = 0;
            for (var k = 0; k < n; k++) if (pending is null || !pending[k]) mean += mu[k];
            mean /= real;
            double ss = 0;
            for (var k = 0; k < n; k++) if (pending is null || !pending[k]) ss += (mu[k] - mean) * (mu[k] - mean);
            var std = Math.Sqrt(ss / (real - 1));
            width *= std * Math.Sqrt(12.0);
        }
        var sigma = new double[mu.Length];
        Array.Fill(sigma, width);
        return sigma;
    }

    /// <summary>
    /// Draws a point: a component by weight, then each dimension from that component's kernel. Numeric dimensions
    /// come back as unit coordinates (not yet snapped), categorical ones as choice indices.
    /// </summary>
    public void Sample(SeededRandom random, Span<double> point)
    {
        var u = random.NextDouble();
        var k = Array.BinarySearch(_cumulativeWeight, u);
        k = k >= 0 ? Math.Min(k + 1, _components - 1) : Math.Min(~k, _components - 1);
        for (var d = 0; d < _dimensions.Length; d++)
        {
            var dim = _dimensions[d];
            if (dim.Kind == TpeDimensionKind.Categorical)
            {
                // An observation's kernel keeps its choice with probability 1 / (1 + K * smoothing) and otherwise draws
                // uniformly (which may draw it again); the prior's kernel (choice -1) is uniform.
                var c = _choice[d]![k];
                point[d] = c >= 0 && random.NextDouble() < _keepChoice[d] ? c : random.NextInt(dim.ChoiceCount);
                continue;
            }
            point[d] = SampleTruncatedNormal(random, _mu[d]![k], _sigma[d]![k]);
        }
    }

    private static double SampleTruncatedNormal(SeededRandom random, double mu, double sigma)
    {
        for (var attempt = 0; attempt < MaxRejectionDraws; attempt++)
        {
            var x = mu + sigma * random.NextGaussian();
            if (x >= 0.0 && x <= 1.0) return x;
        }
        return Math.Clamp(mu, 0.0, 1.0);
    }

    /// <summary>
    /// Log-densities of candidates. Candidate c's value in dimension d is <paramref name="low"/>[c * D + d]: a unit
    /// coordinate (continuous), a choice index (categorical), or the start of the value's cell (discrete), whose end
    /// is <paramref name="high"/>[c * D + d].
    /// </summary>
    public void LogDensities(int count, ReadOnlySpan<double> low, ReadOnlySpan<double> high, Span<double> result)
    {
        var dims = _dimensions.Length;
        var acc = _scratch.AsSpan();
        // Discrete cells repeat among candidates: compute each distinct cell's kernel masses once per call.
        List<(double Low, double High, double[] Terms)>?[]? cellCache = null;
        for (var c = 0; c < count; c++)
        {
            // The first continuous dimension starts from the base terms, saving a copy.
            var started = false;
            var max = double.NaN;
            for (var d = 0; d < dims; d++)
            {
                var x = low[c * dims + d];
                switch (_dimensions[d].Kind)
                {
                    case TpeDimensionKind.Continuous:
                        max = KernelMath.GaussianExponents(x, started ? (ReadOnlySpan<double>)acc : _base, _mu[d], _inverseSigma[d], acc);
                        break;
                    case TpeDimensionKind.Discrete:
                        if (!started) _base.CopyTo(acc);
                        cellCache ??= new List<(double, double, double[])>?[dims];
                        var terms = CellTerms(d, x, high[c * dims + d], ref cellCache[d]);
                        for (var k = 0; k < _components; k++) acc[k] += terms[k];
                        max = double.NaN;
                        break;
                    default:
                        if (!started) _base.CopyTo(acc);
                        var choice = (int)x;
                        var owned = _choice[d]!;
                        var hit = _logHit[d]!;
                        var miss = _logMiss[d]!;
                        for (var k = 0; k < _components; k++) acc[k] += owned[k] == choice ? hit[k] : miss[k];
                        max = double.NaN;
                        break;
                }
                started = true;
            }
            if (!started) _base.CopyTo(acc);
            // The last Gaussian pass already knows the largest term; other passes leave it to be found.
            result[c] = KernelMath.LogSumExp(acc, double.IsNaN(max) ? KernelMath.Max(acc) : max);
        }
    }

    private double[] CellTerms(int d, double low, double high, ref List<(double Low, double High, double[] Terms)>? cache)
    {
        cache ??= new List<(double, double, double[])>();
        foreach (var entry in cache)
            if (entry.Low == low && entry.High == high) return entry.Terms;
        var mu = _mu[d]!;
        var inverse = _inverseSigma[d]!;
        var terms = new double[_components];
        for (var k = 0; k < _components; k++)
            terms[k] = KernelMath.LogNormalMass((low - mu[k]) * inverse[k], (high - mu[k]) * inverse[k]);
        cache.Add((low, high, terms));
        return terms;
    }
}
