using HyperTune.Core.Spaces;

namespace HyperTune.Trainables;

/// <summary>
/// A trainable that ends a study with a final model: the best configuration trained on all its training data and
/// scored once on held-out test data (an ML.NET learner). A cluster's coordinator runs it on a worker when the study
/// finishes, and on demand.
/// </summary>
public interface IRefittable
{
    /// <summary>
    /// Trains <paramref name="configuration"/> on every training row, scores it once on the test set when there is
    /// one, and saves the model to <paramref name="modelPath"/> when given.
    /// </summary>
    /// <exception cref="Core.Specs.SpecException">The data cannot be read or the configuration does not fit.
    /// </exception>
    Task<RefitResult> RefitAsync(Configuration configuration, string? modelPath, CancellationToken ct);
}
