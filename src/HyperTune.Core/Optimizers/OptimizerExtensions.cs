using HyperTune.Core.Studies;

namespace HyperTune.Core.Optimizers;

/// <summary>Conveniences on <see cref="IOptimizer"/>.</summary>
public static class OptimizerExtensions
{
    /// <summary>
    /// The configuration the optimizer suggests for <paramref name="trialNumber"/>, or null when it waits or is
    /// exhausted (callers that must tell those apart use <see cref="IOptimizer.Ask"/>).
    /// </summary>
    public static TrialSuggestion? Suggest(this IOptimizer optimizer, TrialHistory history, int trialNumber) =>
        optimizer.Ask(history, trialNumber).Suggestion;
}
