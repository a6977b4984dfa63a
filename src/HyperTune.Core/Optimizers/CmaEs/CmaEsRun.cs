namespace HyperTune.Core.Optimizers.CmaEs;

/// <summary>
/// One run of CMA-ES between restarts: how it started. Run 0 starts from the initial mean (or the warm start);
/// each restart starts a new run with the population size and step size the restart strategy chose.
/// </summary>
/// <param name="Index">0 for the first run, then 1, 2, ... per restart.</param>
/// <param name="FirstGeneration">The study-wide generation number of the run's first generation.</param>
/// <param name="PopulationSize">λ of this run.</param>
/// <param name="Sigma0">The run's initial step size.</param>
/// <param name="LargeRegime">BIPOP bookkeeping: true for runs of the growing-population regime (and for IPOP runs).</param>
/// <param name="LargeRestarts">BIPOP bookkeeping: how many large-regime restarts happened up to and including this run.</param>
/// <param name="LargeRegimeTrials">Trials spent in large-regime runs before this run.</param>
/// <param name="SmallRegimeTrials">Trials spent in small-regime runs before this run.</param>
/// <param name="LargestPopulation">The largest population size used by a large-regime run so far (this one included).</param>
public sealed record CmaEsRun(
    int Index,
    int FirstGeneration,
    int PopulationSize,
    double Sigma0,
    bool LargeRegime,
    int LargeRestarts,
    long LargeRegimeTrials,
    long SmallRegimeTrials,
    int LargestPopulation);
