using HyperTune.Core.Studies;

namespace HyperTune.Core.Optimizers;

/// <summary>
/// Decides what to try next (the "ask" of ask/tell). The "tell" is implicit: every call receives the whole study
/// history, including pending trials, so there is no hidden state that a crash could lose.
/// </summary>
/// <remarks>
/// Contract: the suggestion must be a pure function of the optimizer's construction arguments (space, direction,
/// settings, seed), the history and the trial number. Implementations may cache work between calls (a fitted
/// model, a CMA-ES state) but must give the same answer as a freshly built optimizer would. This is what makes a
/// coordinator recovered from its journal continue exactly as the lost one would have.
/// </remarks>
public interface IOptimizer
{
    /// <summary>
    /// Proposes the configuration for trial <paramref name="trialNumber"/>, or returns null when the optimizer has
    /// nothing more to try (a grid that is exhausted). The trial is not yet in <paramref name="history"/>.
    /// </summary>
    TrialSuggestion? Suggest(TrialHistory history, int trialNumber);
}
