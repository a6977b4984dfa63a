using HyperTune.Core.Optimizers.GaussianProcess;
using HyperTune.Core.Randomness;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Schedulers.Population;

/// <summary>
/// PB2's explore step (Parker-Holder et al. 2020, "Provably efficient online hyperparameter optimization with
/// population-based bandits"): instead of perturbing the inherited configuration at random, a Gaussian process models
/// how much a member improved over an interval as a function of the time and of the numeric hyperparameters it
/// trained with there, and the new values maximize an upper confidence bound at the next interval. Categorical and
/// conditional parameters are perturbed as PBT does (<see cref="PbtExplorer"/>), as is everything while the
/// population has fewer than <see cref="MinObservations"/> intervals behind it.
/// </summary>
public sealed class Pb2Explorer
{
    /// <summary>Intervals observed before the model is trusted.</summary>
    public const int MinObservations = 4;

    // The most recent intervals modelled: enough for the trend, few enough for a small fit at every decision.
    private const int MaxObservations = 160;
    private const int RandomCandidates = 256;
    private const int NearCandidates = 64;
    // UCB's exploration weight, fixed (PB2's schedule grows it slowly with time; a constant of this size is the
    // usual practical choice).
    private const double Kappa = 2.0;

    private readonly SearchSpace _space;
    private readonly PbtExplorer _fallback;
    private readonly NumericParameter[] _numeric;

    /// <summary>Creates the explorer; <paramref name="fallback"/> perturbs what the model does not choose.</summary>
    public Pb2Explorer(SearchSpace space, PbtExplorer fallback)
    {
        _space = space;
        _fallback = fallback;
        _numeric = space.Parameters.OfType<NumericParameter>().Where(p => p.Condition is null).ToArray();
    }

    /// <summary>
    /// A configuration for a member that inherited <paramref name="inherited"/> at <paramref name="step"/> and
    /// trains the next <paramref name="interval"/> steps with it.
    /// </summary>
    public Configuration Explore(TrialHistory history, Configuration inherited, long step, long interval,
        SeededRandom random)
    {
        var perturbed = _fallback.Explore(inherited, random);
        if (_numeric.Length == 0) return perturbed;
        var data = Observations(history, step, interval);
        if (data.Count < MinObservations) return perturbed;

        var horizon = (double)(step + interval);
        var x = data.Select(d => Input(d.Step / horizon, d.Params)).ToList();
        var mean = data.Average(d => d.Gain);
        var sd = Math.Sqrt(data.Sum(d => (d.Gain - mean) * (d.Gain - mean)) / data.Count);
        var y = data.Select(d => sd > 0 ? (d.Gain - mean) / sd : 0.0).ToArray();
        // Minimized by the fitter and the posterior, as the GP optimizer's losses are: the negated gain.
        var losses = y.Select(v => -v).ToArray();
        var hyper = HyperparameterFitter.Fit(x, losses, HyperparameterPrior.Default, starts: 2, maxIterations: 40,
            random);
        var posterior = GaussianProcessPosterior.Create(x, losses, hyper);

        double[]? best = null;
        var bestScore = double.NegativeInfinity;
        var scratch = new double[posterior.Count];
        var candidate = new double[_numeric.Length + 1];
        candidate[0] = 1.0;
        for (var c = 0; c < RandomCandidates + NearCandidates; c++)
        {
            var source = c < RandomCandidates ? null : _fallback.Explore(inherited, random);
            for (var i = 0; i < _numeric.Length; i++)
                candidate[i + 1] = source is not null && source.TryGetValue(_numeric[i].Name, out var v)
                    ? _numeric[i].ToUnit(v)
                    : random.NextDouble();
            var (m, variance) = posterior.Predict(candidate, scratch);
            var score = -m + Kappa * Math.Sqrt(Math.Max(variance, 0));
            if (score <= bestScore) continue;
            bestScore = score;
            best = (double[])candidate.Clone();
        }
        var chosen = best!;
        return _space.Build((parameter, _) =>
        {
            var index = Array.IndexOf(_numeric, parameter as NumericParameter);
            if (index >= 0) return _numeric[index].FromUnit(chosen[index + 1]);
            return perturbed.TryGetValue(parameter.Name, out var value) ? value : parameter.Sample(random);
        });
    }

    private double[] Input(double time, Configuration config)
    {
        var input = new double[_numeric.Length + 1];
        input[0] = time;
        for (var i = 0; i < _numeric.Length; i++)
            input[i + 1] = config.TryGetValue(_numeric[i].Name, out var v) ? _numeric[i].ToUnit(v) : 0.5;
        return input;
    }

    /// <summary>
    /// Every finished interval up to <paramref name="step"/>: its end step, the configuration trained with, and the
    /// gain in the metric over it (higher is better) from the value it started from (the donor's after an exploit).
    /// </summary>
    private static List<(long Step, Configuration Params, double Gain)> Observations(TrialHistory history, long step,
        long interval)
    {
        var data = new List<(long, Configuration, double)>();
        var sign = history.Direction == StudyDirection.Maximize ? 1.0 : -1.0;
        foreach (var t in history.Trials)
        {
            for (var end = 2 * interval; end <= step; end += interval)
            {
                var start = end - interval;
                if (t.ValueAtStep(end) is not { } last) break;
                var exploit = t.Lineage.FirstOrDefault(e => e.Step == start);
                var from = exploit is not null && exploit.Donor != t.Number
                    ? history.Trials[exploit.Donor].ValueAtStep(start)
                    : t.ValueAtStep(start);
                if (from is not { } first) continue;
                data.Add((end, t.ParamsAt(end), sign * (last - first)));
            }
        }
        return data.OrderByDescending(d => d.Item1).Take(MaxObservations).ToList();
    }
}
