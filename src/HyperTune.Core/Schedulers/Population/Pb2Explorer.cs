using HyperTune.Core.Optimizers.GaussianProcess;
using HyperTune.Core.Randomness;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Schedulers.Population;

/// <summary>
/// PB2's explore step (Parker-Holder et al. 2020, "Provably efficient online hyperparameter optimization with
/// population-based bandits"): instead of perturbing the inherited configuration at random, a Gaussian process models
/// how much a member improved over an interval as a function of the time and of the configuration it trained with
/// there, and the new configuration maximizes an upper confidence bound at the next interval. The model sees the
/// whole space as the GP optimizer encodes it (log scales in log space, categoricals one-hot, inactive conditional
/// parameters at a fixed value), so categorical and conditional parameters are chosen by the model too, as PB2-Mix
/// (Parker-Holder et al. 2021) does for mixed spaces; the candidates are configurations drawn from the space and
/// perturbations of the inherited one (<see cref="PbtExplorer"/>), so <c>mutations</c> lists are respected. While
/// the population has fewer than <see cref="MinObservations"/> intervals behind it the configuration is perturbed.
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

    private readonly PbtExplorer _fallback;
    private readonly EncodedSearchSpace _encoded;

    /// <summary>Creates the explorer; <paramref name="fallback"/> perturbs and draws the candidates.</summary>
    public Pb2Explorer(SearchSpace space, PbtExplorer fallback)
    {
        _fallback = fallback;
        _encoded = new EncodedSearchSpace(space);
    }

    /// <summary>
    /// A configuration for a member that inherited <paramref name="inherited"/> at <paramref name="step"/> and
    /// trains the next <paramref name="interval"/> steps with it.
    /// </summary>
    public Configuration Explore(TrialHistory history, Configuration inherited, long step, long interval,
        SeededRandom random)
    {
        var perturbed = _fallback.Explore(inherited, random);
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

        var scratch = new double[posterior.Count];
        var best = perturbed;
        var bestScore = Score(posterior, perturbed, scratch);
        for (var c = 0; c < RandomCandidates + NearCandidates; c++)
        {
            var candidate = c < RandomCandidates ? _fallback.Sample(random) : _fallback.Explore(inherited, random);
            var score = Score(posterior, candidate, scratch);
            if (score <= bestScore) continue;
            bestScore = score;
            best = candidate;
        }
        return best;
    }

    private double Score(GaussianProcessPosterior posterior, Configuration candidate, double[] scratch)
    {
        var (m, variance) = posterior.Predict(Input(1.0, candidate), scratch);
        return -m + Kappa * Math.Sqrt(Math.Max(variance, 0));
    }

    private double[] Input(double time, Configuration config)
    {
        var encoded = _encoded.Encode(config);
        var input = new double[encoded.Length + 1];
        input[0] = time;
        encoded.CopyTo(input, 1);
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
