namespace HyperTune.Core.Optimizers.GaussianProcess;

/// <summary>How the GP's prediction is turned into a score to maximize (the spec's <c>acquisition</c> setting).</summary>
public enum AcquisitionKind
{
    /// <summary><c>"ei"</c>: expected improvement over the best observed value.</summary>
    ExpectedImprovement,

    /// <summary><c>"logei"</c>: the logarithm of expected improvement, computed without underflow (the default).</summary>
    LogExpectedImprovement,

    /// <summary><c>"pi"</c>: probability of improving on the best value by at least <c>xi</c> (maximized in log form).</summary>
    ProbabilityOfImprovement,

    /// <summary><c>"ucb"</c>: the optimistic bound μ - √β·σ (a lower bound, since losses are minimized).</summary>
    UpperConfidenceBound,
}
