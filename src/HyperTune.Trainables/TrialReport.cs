namespace HyperTune.Trainables;

/// <summary>Metrics a running trial reports at a training step (epoch, iteration).</summary>
public sealed record TrialReport(long Step, IReadOnlyDictionary<string, double> Metrics);
