using HyperTune.Trainables;

namespace HyperTune.Cli.Output;

/// <summary>A refit of a study's best trial.</summary>
/// <param name="Trial">The best trial's number.</param>
/// <param name="CrossValidatedValue">Its cross-validated value (the study's value for it).</param>
/// <param name="Result">The refit's test metrics, rows and model file.</param>
internal sealed record RefitRecord(int Trial, double CrossValidatedValue, RefitResult Result);
