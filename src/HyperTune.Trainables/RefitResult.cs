namespace HyperTune.Trainables;

/// <summary>
/// The best configuration trained on the whole training set and scored once on the held-out test set.
/// </summary>
/// <param name="TestMetrics">Every metric of the task on the test set (empty without a test set).</param>
/// <param name="TrainRows">Rows the final model was trained on.</param>
/// <param name="TestRows">Rows it was scored on.</param>
/// <param name="ModelPath">The saved ML.NET model file, or null when none was asked for.</param>
public sealed record RefitResult(IReadOnlyDictionary<string, double> TestMetrics, int TrainRows, int TestRows,
    string? ModelPath);
