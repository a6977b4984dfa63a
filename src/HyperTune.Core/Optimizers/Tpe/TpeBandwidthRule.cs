namespace HyperTune.Core.Optimizers.Tpe;

/// <summary>How the width of each numeric kernel is chosen (in the unit coordinate of the parameter).</summary>
public enum TpeBandwidthRule
{
    /// <summary>
    /// Each kernel as wide as the larger gap to its neighbouring observations (Hyperopt's and Optuna's univariate
    /// rule): wide where observations are sparse, narrow where they cluster.
    /// </summary>
    Neighbor,

    /// <summary>
    /// One width for all kernels of a group, <c>bandwidthFactor * n^(-1/(d+4))</c> for n observations in d dimensions
    /// (Scott's rule on the unit range, as Optuna's multivariate TPE).
    /// </summary>
    Scott,

    /// <summary>
    /// Scott's rule scaled by the spread of the observations in each dimension (their standard deviation, in units
    /// of the range): kernels narrow as the good observations concentrate, which exploits a found basin faster.
    /// </summary>
    Adaptive,
}
