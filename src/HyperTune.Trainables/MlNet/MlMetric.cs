namespace HyperTune.Trainables.MlNet;

/// <summary>A score an ML.NET trainable reports, by its usual name, and which way is better.</summary>
/// <param name="Name">The name a spec uses (<c>accuracy</c>, <c>rmse</c>...).</param>
/// <param name="HigherIsBetter">True for scores to maximize (accuracy), false for errors (RMSE, log loss).</param>
public sealed record MlMetric(string Name, bool HigherIsBetter);
