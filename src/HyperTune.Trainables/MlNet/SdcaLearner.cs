using Microsoft.ML;
using Microsoft.ML.Trainers;

namespace HyperTune.Trainables.MlNet;

/// <summary>
/// Linear models by stochastic dual coordinate ascent: logistic regression (binary), maximum entropy (multiclass),
/// least squares (regression).
/// </summary>
public sealed class SdcaLearner : MlLearner
{
    /// <inheritdoc />
    public override string Name => "sdca";

    /// <inheritdoc />
    public override bool IsLinear => true;

    /// <inheritdoc />
    public override IReadOnlyList<MlHyperparameter> Hyperparameters { get; } =
    [
        new("l2Regularization", false, 0, 1e6),
        new("l1Regularization", false, 0, 1e6),
        new("maximumNumberOfIterations", true, 1, 100_000),
    ];

    /// <inheritdoc />
    public override IEstimator<ITransformer> Create(MLContext ml, MlTask task, LearnerValues values, LearnerRuntime runtime)
    {
        var l2 = (float?)values.Real("l2Regularization");
        var l1 = (float?)values.Real("l1Regularization");
        var iterations = values.Whole("maximumNumberOfIterations");
        return task switch
        {
            MlTask.Binary => ml.BinaryClassification.Trainers.SdcaLogisticRegression(new SdcaLogisticRegressionBinaryTrainer.Options
            {
                LabelColumnName = LabelColumn, FeatureColumnName = FeatureColumn, NumberOfThreads = runtime.Threads,
                L2Regularization = l2, L1Regularization = l1, MaximumNumberOfIterations = iterations,
            }),
            MlTask.Multiclass => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
            {
                LabelColumnName = LabelColumn, FeatureColumnName = FeatureColumn, NumberOfThreads = runtime.Threads,
                L2Regularization = l2, L1Regularization = l1, MaximumNumberOfIterations = iterations,
            }),
            _ => ml.Regression.Trainers.Sdca(new SdcaRegressionTrainer.Options
            {
                LabelColumnName = LabelColumn, FeatureColumnName = FeatureColumn, NumberOfThreads = runtime.Threads,
                L2Regularization = l2, L1Regularization = l1, MaximumNumberOfIterations = iterations,
            }),
        };
    }
}
