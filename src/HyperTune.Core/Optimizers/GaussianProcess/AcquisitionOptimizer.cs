using HyperTune.Core.Randomness;

namespace HyperTune.Core.Optimizers.GaussianProcess;

/// <summary>
/// Finds the point of the search space with the highest acquisition value. Every point is rounded to a real
/// configuration before it is scored, so discrete parameters are scored where they will be evaluated. Search:
/// random candidates over the whole cube plus perturbations around the best observed points; from the best few,
/// projected L-BFGS on the active continuous coordinates alternating with moves to discrete neighbours, until
/// neither improves.
/// </summary>
internal sealed class AcquisitionOptimizer
{
    private const int LocalIterations = 60;
    private const int MaxLocalRounds = 4;

    private readonly EncodedSearchSpace _space;
    private readonly GaussianProcessPosterior _gp;
    private readonly SetAveragedAcquisition _acquisition;
    private readonly GaussianProcessSettings _settings;
    private readonly double _priorSd;
    private readonly double[] _scratch;

    /// <summary>Prepares a search of <paramref name="acquisition"/> under the posterior <paramref name="gp"/>.</summary>
    public AcquisitionOptimizer(EncodedSearchSpace space, GaussianProcessPosterior gp, SetAveragedAcquisition acquisition, GaussianProcessSettings settings)
    {
        _space = space;
        _gp = gp;
        _acquisition = acquisition;
        _settings = settings;
        _priorSd = Math.Sqrt(gp.SignalVariance);
        _scratch = new double[gp.Count];
        _means = new double[gp.OutputSets];
        if (acquisition.Sets != gp.OutputSets) throw new ArgumentException("one incumbent per output set is needed", nameof(acquisition));
    }

    private readonly double[] _means;

    /// <summary>Points the search must not propose (scored -∞), or null.</summary>
    public Func<double[], bool>? Excluded { get; init; }

    /// <summary>
    /// Models of constraints and failures whose log probability of feasibility is added to the (log) acquisition
    /// (constrained EI), or null.
    /// </summary>
    public IReadOnlyList<FeasibilityModel>? Feasibility { get; init; }

    /// <summary>
    /// False when no observation is feasible yet: the objective says nothing about where feasibility lies, so the
    /// search maximizes the probability of feasibility alone.
    /// </summary>
    public bool UsesObjective { get; init; } = true;

    private double Feasible(ReadOnlySpan<double> x)
    {
        if (Feasibility is null) return 0;
        var total = 0.0;
        foreach (var model in Feasibility) total += model.LogProbability(x);
        return total;
    }

    /// <summary>How many acquisition values were computed (for diagnostics).</summary>
    public int Evaluations { get; private set; }

    /// <summary>
    /// The acquisition value at a rounded point. The nugget is taken out of the predictive variance: it is there
    /// for numerical stability and to absorb model misfit, not because re-measuring a point would reveal anything,
    /// so an already observed point must not keep a floor of expected improvement (which made the search re-sample
    /// its incumbent instead of exploring).
    /// </summary>
    public double Score(double[] x)
    {
        if (Excluded is { } excluded && excluded(x)) return double.NegativeInfinity;
        Evaluations++;
        var variance = _gp.Predict(x, _means, _scratch);
        var a = UsesObjective
            ? _acquisition.Evaluate(_means, 1, Math.Sqrt(Math.Max(variance - _gp.NoiseVariance, 0)), _priorSd, Span<double>.Empty, out _)
            : 0;
        return a + Feasible(x);
    }

    /// <summary>The acquisition values of many points (as <see cref="Score"/>, computed a batch at a time).</summary>
    public double[] ScoreAll(IReadOnlyList<double[]> points)
    {
        const int batch = GaussianProcessPosterior.BatchSize;
        var values = new double[points.Count];
        var scratch = new double[_gp.Count * batch];
        var means = new double[batch * _gp.OutputSets];
        Span<double> variances = stackalloc double[batch];
        var chunk = new double[batch][];
        for (var start = 0; start < points.Count; start += batch)
        {
            var count = Math.Min(batch, points.Count - start);
            for (var c = 0; c < count; c++) chunk[c] = points[start + c];
            _gp.PredictBatch(chunk.AsSpan(0, count), means, variances, scratch);
            for (var c = 0; c < count; c++)
            {
                var x = points[start + c];
                if (Excluded is { } excluded && excluded(x))
                {
                    values[start + c] = double.NegativeInfinity;
                    continue;
                }
                Evaluations++;
                values[start + c] = (UsesObjective
                    ? _acquisition.Evaluate(means.AsSpan(c), batch, Math.Sqrt(Math.Max(variances[c] - _gp.NoiseVariance, 0)), _priorSd,
                        Span<double>.Empty, out _)
                    : 0) + Feasible(x);
            }
        }
        return values;
    }

    /// <summary>
    /// Rounded points ordered from the best acquisition value down (several, so the caller can skip one that repeats an
    /// existing trial). <paramref name="centers"/> are the best observed points, best first.
    /// </summary>
    public IReadOnlyList<(double[] Point, double Value)> Maximize(IReadOnlyList<double[]> centers, SeededRandom random)
    {
        var candidates = new List<double[]>(_settings.Candidates + centers.Count * _settings.PerturbationsPerCenter);
        for (var i = 0; i < _settings.Candidates; i++) candidates.Add(_space.RandomPoint(random));
        var discreteMove = 1.0 / _space.ParameterCount;
        for (var c = 0; c < centers.Count; c++)
            for (var i = 0; i < _settings.PerturbationsPerCenter; i++)
            {
                // Scales from a tenth of the cube down to a thousandth: coarse moves explore the basin, fine ones refine.
                var scale = PerturbationScales[i % PerturbationScales.Length];
                candidates.Add(_space.Perturb(centers[c], scale, discreteMove, random));
            }

        var values = ScoreAll(candidates);
        var scored = candidates.Select((x, i) => (Point: x, Value: values[i], Index: i))
            .Where(s => double.IsFinite(s.Value))
            .OrderByDescending(s => s.Value).ThenBy(s => s.Index)
            .ToList();

        var results = new List<(double[] Point, double Value)>();
        var starts = 0;
        foreach (var s in scored)
        {
            if (starts >= _settings.LocalSearchStarts) break;
            if (results.Any(r => r.Point.AsSpan().SequenceEqual(s.Point))) continue;
            starts++;
            results.Add(LocalSearch(s.Point));
        }
        // Keep the rest of the candidates as fallbacks behind the locally optimized points.
        results.AddRange(scored.Skip(starts).Take(_settings.LocalSearchStarts * 4).Select(s => (s.Point, s.Value)));
        return results.Select((r, i) => (r, i)).OrderByDescending(t => t.r.Value).ThenBy(t => t.i).Select(t => t.r).ToList();
    }

    private static readonly double[] PerturbationScales = { 0.1, 0.03, 0.01, 0.003, 0.001 };

    private (double[] Point, double Value) LocalSearch(double[] start)
    {
        var x = (double[])start.Clone();
        // Rescored one at a time, as every point of the local search is, so that comparisons are like for like
        // (a batch score can differ in the last bits).
        var value = Score(x);
        for (var round = 0; round < MaxLocalRounds; round++)
        {
            (x, value) = ContinuousSearch(x, value);
            var improved = false;
            foreach (var y in _space.DiscreteNeighbours(x))
            {
                var v = Score(y);
                if (v > value)
                {
                    value = v;
                    x = y;
                    improved = true;
                }
            }
            if (!improved) break;
        }
        return (x, value);
    }

    private (double[] Point, double Value) ContinuousSearch(double[] x, double value)
    {
        var movable = new bool[x.Length];
        _space.Round(x, movable);
        var coordinates = Enumerable.Range(0, x.Length).Where(i => movable[i]).ToArray();
        if (coordinates.Length == 0) return (x, value);
        var full = (double[])x.Clone();
        var state = new GaussianProcessPosterior.GradientState(_gp.Count);
        var means = new double[_gp.OutputSets];
        var dMeans = new double[_gp.OutputSets];
        var fullGradient = new double[x.Length];
        var result = BoundedLbfgs.Minimize((z, gradient) =>
        {
            for (var k = 0; k < coordinates.Length; k++) full[coordinates[k]] = z[k];
            if (Excluded is { } excluded && excluded(full)) return double.PositiveInfinity;
            Evaluations++;
            var variance = _gp.Prepare(full, state, means);
            var sd = Math.Sqrt(Math.Max(variance - _gp.NoiseVariance, 0));
            double a;
            if (UsesObjective)
            {
                a = _acquisition.Evaluate(means, 1, sd, _priorSd, dMeans, out var dSd);
                // dσ/dx = (dσ²/dx) / 2σ; at σ = 0 the variance gradient is zero too.
                var dSdFactor = sd > 0 ? dSd / (2 * sd) : 0;
                _gp.Gradient(full, state, dMeans, dSdFactor, fullGradient);
            }
            else
            {
                a = 0;
                Array.Clear(fullGradient);
            }
            if (Feasibility is not null)
                foreach (var model in Feasibility) a += model.AddLogProbability(full, fullGradient);
            for (var k = 0; k < coordinates.Length; k++) gradient[k] = -fullGradient[coordinates[k]];
            return double.IsFinite(a) ? -a : double.PositiveInfinity;
        }, coordinates.Select(j => x[j]).ToArray(), coordinates.Select(_ => 0.0).ToArray(), coordinates.Select(_ => 1.0).ToArray(),
            LocalIterations, gradientTolerance: 1e-9, relativeTolerance: 1e-12);
        var candidate = (double[])x.Clone();
        for (var k = 0; k < coordinates.Length; k++) candidate[coordinates[k]] = result.X[k];
        _space.Round(candidate);
        var candidateValue = Score(candidate);
        return candidateValue > value ? (candidate, candidateValue) : (x, value);
    }
}
