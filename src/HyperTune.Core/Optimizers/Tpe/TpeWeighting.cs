namespace HyperTune.Core.Optimizers.Tpe;

/// <summary>How much each observation's kernel weighs in its estimator.</summary>
public enum TpeWeighting
{
    /// <summary>All observations weigh the same.</summary>
    Uniform,

    /// <summary>
    /// The most recent <see cref="TpeSettings.RecentWindow"/> observations of an estimator weigh 1; older ones
    /// ramp down linearly toward 0 by age (Hyperopt's and Optuna's default), so the model follows the search.
    /// </summary>
    Recent,
}
