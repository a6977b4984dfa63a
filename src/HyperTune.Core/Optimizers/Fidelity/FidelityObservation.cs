using HyperTune.Core.Studies;

namespace HyperTune.Core.Optimizers.Fidelity;

/// <summary>
/// One trial as a model sees it under a budget level: its value at the level (or, below the level, at the last step
/// it reached) and that value as a loss (smaller is better whatever the study's direction).
/// </summary>
/// <param name="Index">The trial's position in the history.</param>
/// <param name="Trial">The trial itself.</param>
/// <param name="Step">
/// The step the value belongs to; <see cref="long.MaxValue"/> for a completed trial's final value.
/// </param>
/// <param name="Value">The metric's value.</param>
/// <param name="Loss">The value to minimize.</param>
public sealed record FidelityObservation(int Index, TrialRecord Trial, long Step, double Value, double Loss)
{
    /// <summary>The trial as a completed trial whose final value is this observation's value.</summary>
    public TrialRecord AsCompleted() => Trial with { State = TrialState.Complete, Value = Value };
}
