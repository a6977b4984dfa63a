namespace HyperTune.Core.Optimizers.GaussianProcess;

/// <summary>
/// An acquisition function averaged over the output sets of a posterior (sampled outcomes of the pending trials),
/// each set with its own incumbent: the mean of expected improvements (or probabilities), or of confidence bounds.
/// Log-scale acquisitions (log-EI, log-PI) are averaged in the linear scale, through log-sum-exp, so the result is
/// the logarithm of the average improvement. With one set this is the plain <see cref="AcquisitionFunction"/>.
/// </summary>
internal sealed class SetAveragedAcquisition
{
    private readonly AcquisitionFunction[] _functions;
    private readonly bool _logScale;
    private readonly double _logCount;

    /// <summary>One acquisition of <paramref name="kind"/> per incumbent (one incumbent per output set).</summary>
    public SetAveragedAcquisition(AcquisitionKind kind, IReadOnlyList<double> incumbents, double xi, double ucbBeta)
    {
        if (incumbents.Count == 0) throw new ArgumentException("at least one output set is needed", nameof(incumbents));
        _functions = incumbents.Select(i => new AcquisitionFunction(kind, i, xi, ucbBeta)).ToArray();
        _logScale = kind is AcquisitionKind.LogExpectedImprovement or AcquisitionKind.ProbabilityOfImprovement;
        _logCount = Math.Log(_functions.Length);
    }

    /// <summary>Number of output sets.</summary>
    public int Sets => _functions.Length;

    /// <summary>
    /// The score for the sets' means <paramref name="means"/> (entry s·<paramref name="stride"/>) and the shared
    /// standard deviation <paramref name="sd"/>; the derivatives in each mean go to <paramref name="dMeans"/> (unless
    /// empty) and the one in σ to <paramref name="dSd"/>.
    /// </summary>
    public double Evaluate(ReadOnlySpan<double> means, int stride, double sd, double priorSd, Span<double> dMeans, out double dSd)
    {
        var count = _functions.Length;
        if (count == 1)
        {
            var v = _functions[0].Evaluate(means[0], sd, priorSd, out var dm, out dSd);
            if (!dMeans.IsEmpty) dMeans[0] = dm;
            return v;
        }
        Span<double> values = stackalloc double[count];
        Span<double> dm1 = stackalloc double[count];
        Span<double> ds1 = stackalloc double[count];
        for (var s = 0; s < count; s++) values[s] = _functions[s].Evaluate(means[s * stride], sd, priorSd, out dm1[s], out ds1[s]);
        dSd = 0;
        if (_logScale)
        {
            var max = double.NegativeInfinity;
            for (var s = 0; s < count; s++) max = Math.Max(max, values[s]);
            if (double.IsNegativeInfinity(max) || double.IsNaN(max))
            {
                if (!dMeans.IsEmpty) dMeans[..count].Clear();
                return max;
            }
            var sum = 0.0;
            for (var s = 0; s < count; s++) sum += Math.Exp(values[s] - max);
            // d log(Σ eᵛ)/dv_s = e^(v_s) / Σ eᵛ.
            for (var s = 0; s < count; s++)
            {
                var w = Math.Exp(values[s] - max) / sum;
                if (!dMeans.IsEmpty) dMeans[s] = w > 0 ? w * dm1[s] : 0;
                if (w > 0) dSd += w * ds1[s];
            }
            return max + Math.Log(sum) - _logCount;
        }
        var total = 0.0;
        for (var s = 0; s < count; s++)
        {
            total += values[s];
            if (!dMeans.IsEmpty) dMeans[s] = dm1[s] / count;
            dSd += ds1[s] / count;
        }
        return total / count;
    }
}
