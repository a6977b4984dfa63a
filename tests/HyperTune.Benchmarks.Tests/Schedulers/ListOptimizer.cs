using HyperTune.Core.Optimizers;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;

namespace HyperTune.Benchmarks.Tests.Schedulers;

/// <summary>Suggests x = the given values in order, then is exhausted: hand-worked simulations know every trial.</summary>
internal sealed class ListOptimizer(params double[] values) : IOptimizer
{
    public OptimizerAnswer Ask(TrialHistory history, int trialNumber) =>
        trialNumber < values.Length
            ? new TrialSuggestion(Configuration.From(new Dictionary<string, object> { ["x"] = values[trialNumber] }))
            : OptimizerAnswer.Exhausted("the list is used up");
}
