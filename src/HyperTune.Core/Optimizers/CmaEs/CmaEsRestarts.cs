using HyperTune.Core.Randomness;

namespace HyperTune.Core.Optimizers.CmaEs;

/// <summary>
/// Chooses the next run when a run stops (IPOP or BIPOP). Everything is derived from the ended run, the trials it
/// used and the seed, so a rebuilt optimizer makes the same choice.
/// </summary>
public static class CmaEsRestarts
{
    private static readonly long RestartSalt = SeededRandom.StableHash("cmaes.restart");

    // BIPOP's small regime draws σ0 · 10^(-SmallSigmaDecades · U) (Hansen 2009).
    private const double SmallSigmaDecades = 2.0;

    /// <summary>The first run: default regime, the given population size and step size.</summary>
    public static CmaEsRun First(int populationSize, double sigma0) =>
        new(0, 0, populationSize, sigma0, true, 0, 0, 0, populationSize);

    /// <summary>
    /// The run after <paramref name="ended"/>, which used <paramref name="trialsUsed"/> trials and whose last
    /// generation was <paramref name="lastGeneration"/>; also returns the new run's initial mean (a uniformly random
    /// point of the cube).
    /// </summary>
    public static (CmaEsRun Run, double[] Mean) Next(CmaEsRun ended, long trialsUsed, int lastGeneration, CmaEsSettings settings,
        int defaultPopulationSize, int dimension, long seed)
    {
        var random = SeededRandom.Derive(seed, RestartSalt, ended.Index + 1);
        var mean = new double[dimension];
        for (var i = 0; i < dimension; i++) mean[i] = random.NextDouble();

        var largeTrials = ended.LargeRegimeTrials + (ended.LargeRegime ? trialsUsed : 0);
        var smallTrials = ended.SmallRegimeTrials + (ended.LargeRegime ? 0 : trialsUsed);
        var index = ended.Index + 1;
        var first = lastGeneration + 1;
        var sigma0 = settings.Sigma0;

        if (settings.Restart != RestartStrategy.Bipop)
        {
            // IPOP (and the numerical-breakdown restart of "none", which keeps the population size).
            var lambda = settings.Restart == RestartStrategy.Ipop
                ? GrowPopulation(ended.PopulationSize, settings.IncreasePopulationFactor)
                : ended.PopulationSize;
            return (new CmaEsRun(index, first, lambda, sigma0, true, ended.LargeRestarts + 1, largeTrials, smallTrials,
                Math.Max(lambda, ended.LargestPopulation)), mean);
        }

        if (smallTrials < largeTrials)
        {
            // Small regime: a population between the default and the largest so far, and a smaller step size.
            var u1 = random.NextDouble();
            var u2 = random.NextDouble();
            var ratio = (double)ended.LargestPopulation / defaultPopulationSize;
            var lambda = Math.Max(2, (int)Math.Floor(defaultPopulationSize * Math.Pow(ratio, u1 * u1)));
            var sigma = sigma0 * Math.Pow(10, -SmallSigmaDecades * u2);
            return (new CmaEsRun(index, first, lambda, sigma, false, ended.LargeRestarts, largeTrials, smallTrials,
                ended.LargestPopulation), mean);
        }

        var restarts = ended.LargeRestarts + 1;
        var large = (int)Math.Min(int.MaxValue / 2, Math.Round(defaultPopulationSize * Math.Pow(settings.IncreasePopulationFactor, restarts)));
        return (new CmaEsRun(index, first, large, sigma0, true, restarts, largeTrials, smallTrials,
            Math.Max(large, ended.LargestPopulation)), mean);
    }

    private static int GrowPopulation(int lambda, double factor) =>
        (int)Math.Min(int.MaxValue / 2, Math.Max(lambda + (factor > 1 ? 1 : 0), Math.Round(lambda * factor)));
}
