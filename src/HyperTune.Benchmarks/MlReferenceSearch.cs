namespace HyperTune.Benchmarks;

/// <summary>One reference search on one data set: medians over its seeds.</summary>
/// <param name="Name">grid, random, halving-random or optuna-tpe.</param>
/// <param name="Metric">accuracy or rmse.</param>
/// <param name="MedianCv">Median best cross-validated score.</param>
/// <param name="MedianTest">Median test score of the refitted best configuration.</param>
/// <param name="MedianSeconds">Median wall seconds of the search and refit.</param>
public sealed record MlReferenceSearch(string Name, string Metric, double MedianCv, double MedianTest, double MedianSeconds)
{
    /// <summary>True when lower values are better (errors such as RMSE).</summary>
    public bool LowerIsBetter => Metric is "rmse" or "mae" or "logLoss";
}
