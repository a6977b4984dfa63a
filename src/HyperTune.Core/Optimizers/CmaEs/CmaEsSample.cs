namespace HyperTune.Core.Optimizers.CmaEs;

/// <summary>
/// One draw of a generation: the point of the unit cube that is decoded and evaluated, and the point the
/// covariance update learns from (the same point with the integer margin scaling undone).
/// </summary>
/// <param name="Evaluated">The point in [0, 1]^n whose configuration is evaluated.</param>
/// <param name="ForUpdate">The point the CMA update uses.</param>
public sealed record CmaEsSample(double[] Evaluated, double[] ForUpdate);
