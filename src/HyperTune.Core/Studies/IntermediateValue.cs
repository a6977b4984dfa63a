namespace HyperTune.Core.Studies;

/// <summary>A value of the study metric reported by a running trial at a training step (epoch, iteration, budget).</summary>
public sealed record IntermediateValue(long Step, double Value);
