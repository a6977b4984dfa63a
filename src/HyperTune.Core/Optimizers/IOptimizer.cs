using HyperTune.Core.Studies;

namespace HyperTune.Core.Optimizers;

/// <summary>
/// Decides what to try next (the "ask" of ask/tell). The "tell" is implicit: every call receives the whole study
/// history, including pending, paused and pruned trials, so there is no hidden state that a crash could lose.
/// </summary>
/// <remarks>
/// Contract: the answer must be a pure function of the optimizer's construction arguments (space, direction,
/// settings, seed), the history and the trial number. Implementations may cache work between calls (a fitted
/// model, a CMA-ES state) but must give the same answer as a freshly built optimizer would. This is what makes a
/// coordinator recovered from its journal continue exactly as the lost one would have.
/// </remarks>
public interface IOptimizer
{
    /// <summary>
    /// Answers for trial <paramref name="trialNumber"/>: a configuration, wait (ask again once running trials
    /// report), or exhausted (nothing more to try). The trial is not yet in <paramref name="history"/>.
    /// </summary>
    OptimizerAnswer Ask(TrialHistory history, int trialNumber);
}
