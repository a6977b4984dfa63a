using Microsoft.ML;
using Microsoft.ML.Trainers;

namespace HyperTune.Trainables.MlNet;

/// <summary>
/// Linear models fitted by L-BFGS: logistic regression (binary), maximum entropy (multiclass), Poisson regression
/// (regression; the label must not be negative).
/// </summary>
public sealed class LbfgsLearner : MlLearner
{
    /// <inheritdoc />
    public override string Name => "lbfgs";

    /// <inheritdoc />
    public override bool IsLinear => true;

    /// <inheritdoc />
    public override IReadOnlyList<MlHyperparameter> Hyperparameters { get; } =
    [
        new("l2Regularization", false, 0, 1e6),
        new("l1Regularization", false, 0, 1e6),
        new("optimizationTolerance", false, 1e-12, 1),
        new("historySize", true, 1, 1_000),
        new("maximumNumberOfIterations", true, 1, 1_000_000),
    ];

    /// <inheritdoc />
    public override IEstimator<ITransformer> Create(MLContext ml, MlTask task, LearnerValues values, LearnerRuntime runtime) =>
        task switch
        {
            MlTask.Binary => ml.BinaryClassification.Trainers.LbfgsLogisticRegression(
                Configure(new LbfgsLogisticRegressionBinaryTrainer.Options(), values, runtime)),
            MlTask.Multiclass => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(
                Configure(new LbfgsMaximumEntropyMulticlassTrainer.Options(), values, runtime)),
            _ => ml.Regression.Trainers.LbfgsPoissonRegression(
                Configure(new LbfgsPoissonRegressionTrainer.Options(), values, runtime)),
        };

    private static TOptions Configure<TOptions, TTransformer, TModel>(
        LbfgsTrainerBase<TOptions, TTransformer, TModel>.OptionsBase options, LearnerValues values, LearnerRuntime runtime)
        where TOptions : LbfgsTrainerBase<TOptions, TTransformer, TModel>.OptionsBase, new()
        where TTransformer : ISingleFeaturePredictionTransformer<TModel>
        where TModel : class
    {
        options.LabelColumnName = LabelColumn;
        options.FeatureColumnName = FeatureColumn;
        options.NumberOfThreads = runtime.Threads;
        options.L2Regularization = (float?)values.Real("l2Regularization") ?? options.L2Regularization;
        options.L1Regularization = (float?)values.Real("l1Regularization") ?? options.L1Regularization;
        options.OptimizationTolerance = (float?)values.Real("optimizationTolerance") ?? options.OptimizationTolerance;
        options.HistorySize = values.Whole("historySize") ?? options.HistorySize;
        options.MaximumNumberOfIterations = values.Whole("maximumNumberOfIterations") ?? options.MaximumNumberOfIterations;
        return (TOptions)options;
    }
}
