using HyperTune.Core.Randomness;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Optimizers.Random;

/// <summary>
/// Random search: every parameter drawn independently, uniformly (log-uniformly on log scales), categorical
/// choices with equal probability, conditional parameters only when active. The draw for trial n depends only on
/// the seed and n. Settings: none besides <c>seed</c>.
/// </summary>
public sealed class RandomOptimizer : IOptimizer
{
    private readonly SearchSpace _space;
    private readonly long _seed;

    /// <summary>Creates a random optimizer from its spec.</summary>
    public RandomOptimizer(SearchSpace space, OptimizerSpec spec)
    {
        spec.Reader().EnsureNoUnknownFields();
        _space = space;
        _seed = spec.Seed;
    }

    /// <inheritdoc />
    public OptimizerAnswer Ask(TrialHistory history, int trialNumber) =>
        new TrialSuggestion(_space.Sample(SeededRandom.Derive(_seed, trialNumber)));
}
