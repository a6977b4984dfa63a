namespace HyperTune.Core.Optimizers.CmaEs;

/// <summary>What CMA-ES does when a run stops making progress (see <see cref="CmaEsTermination"/>).</summary>
public enum RestartStrategy
{
    /// <summary>Keep going with the converged distribution (no restart).</summary>
    None,

    /// <summary>IPOP: restart from a random mean with the population size multiplied by <c>incPopSize</c>.</summary>
    Ipop,

    /// <summary>
    /// BIPOP: alternate between IPOP's growing populations and small populations with small, randomized step sizes,
    /// giving each regime about the same number of evaluations.
    /// </summary>
    Bipop,
}
