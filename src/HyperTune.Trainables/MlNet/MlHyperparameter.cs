namespace HyperTune.Trainables.MlNet;

/// <summary>A learner's hyperparameter that a search space or the spec's fixed values may set, with its valid range.</summary>
/// <param name="Name">The name in the space (<c>learningRate</c>, <c>numberOfLeaves</c>...).</param>
/// <param name="Integer">True when the value is rounded to a whole number.</param>
/// <param name="Min">Smallest valid value.</param>
/// <param name="Max">Largest valid value.</param>
public sealed record MlHyperparameter(string Name, bool Integer, double Min, double Max);
