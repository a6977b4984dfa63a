using Microsoft.ML;

namespace HyperTune.Trainables.MlNet;

/// <summary>The metrics each task reports, and their computation from an ML.NET model's predictions.</summary>
public static class MlMetrics
{
    private static readonly MlMetric[] BinaryMetrics =
    [
        new("accuracy", true), new("auc", true), new("f1", true), new("logLoss", false), new("auprc", true),
    ];

    private static readonly MlMetric[] MulticlassMetrics =
        [new("accuracy", true), new("macroAccuracy", true), new("logLoss", false)];

    private static readonly MlMetric[] RegressionMetrics =
        [new("rmse", false), new("mae", false), new("r2", true), new("mse", false)];

    /// <summary>The metrics a task reports, its main one first.</summary>
    public static IReadOnlyList<MlMetric> For(MlTask task) => task switch
    {
        MlTask.Binary => BinaryMetrics,
        MlTask.Multiclass => MulticlassMetrics,
        _ => RegressionMetrics,
    };

    /// <summary>The metric named <paramref name="name"/> for a task, or null.</summary>
    public static MlMetric? Find(MlTask task, string name) =>
        For(task).FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.Ordinal));

    /// <summary>Every metric of the task, computed from scored data (a model's <c>Transform</c> output).</summary>
    public static Dictionary<string, double> Evaluate(MLContext ml, MlTask task, IDataView scored)
    {
        switch (task)
        {
            case MlTask.Binary:
            {
                var m = ml.BinaryClassification.Evaluate(scored);
                return new()
                {
                    ["accuracy"] = m.Accuracy, ["auc"] = m.AreaUnderRocCurve, ["f1"] = m.F1Score,
                    ["logLoss"] = m.LogLoss, ["auprc"] = m.AreaUnderPrecisionRecallCurve,
                };
            }
            case MlTask.Multiclass:
            {
                var m = ml.MulticlassClassification.Evaluate(scored);
                return new() { ["accuracy"] = m.MicroAccuracy, ["macroAccuracy"] = m.MacroAccuracy, ["logLoss"] = m.LogLoss };
            }
            default:
            {
                var m = ml.Regression.Evaluate(scored);
                return new()
                {
                    ["rmse"] = m.RootMeanSquaredError, ["mae"] = m.MeanAbsoluteError, ["r2"] = m.RSquared,
                    ["mse"] = m.MeanSquaredError,
                };
            }
        }
    }
}
