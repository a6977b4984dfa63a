using Microsoft.ML;
using Microsoft.ML.Trainers.LightGbm;

namespace HyperTune.Trainables.MlNet;

/// <summary>LightGBM gradient-boosted trees (ML.NET's LightGBM trainers) for every task.</summary>
public sealed class LightGbmLearner : MlLearner
{
    /// <inheritdoc />
    public override string Name => "lightgbm";

    /// <inheritdoc />
    public override IReadOnlyList<MlHyperparameter> Hyperparameters { get; } =
    [
        new("numberOfIterations", true, 1, 100_000),
        new("learningRate", false, 1e-6, 1),
        new("numberOfLeaves", true, 2, 131_072),
        new("minimumExampleCountPerLeaf", true, 1, 1_000_000),
        new("maximumBinCountPerFeature", true, 2, 65_535),
        new("maximumTreeDepth", true, 0, 1_000),
        new("l2Regularization", false, 0, 1e6),
        new("l1Regularization", false, 0, 1e6),
        new("minimumSplitGain", false, 0, 1e6),
        new("featureFraction", false, 1e-3, 1),
        new("subsampleFraction", false, 1e-3, 1),
    ];

    /// <inheritdoc />
    public override IEstimator<ITransformer> Create(MLContext ml, MlTask task, LearnerValues values, LearnerRuntime runtime) =>
        task switch
        {
            MlTask.Binary => ml.BinaryClassification.Trainers.LightGbm(Configure(new LightGbmBinaryTrainer.Options(), values, runtime)),
            MlTask.Multiclass => ml.MulticlassClassification.Trainers.LightGbm(Configure(new LightGbmMulticlassTrainer.Options(), values, runtime)),
            _ => ml.Regression.Trainers.LightGbm(Configure(new LightGbmRegressionTrainer.Options(), values, runtime)),
        };

    private static TOptions Configure<TOptions, TOutput, TTransformer, TModel>(
        LightGbmTrainerBase<TOptions, TOutput, TTransformer, TModel>.OptionsBase options, LearnerValues values,
        LearnerRuntime runtime)
        where TOptions : LightGbmTrainerBase<TOptions, TOutput, TTransformer, TModel>.OptionsBase, new()
        where TTransformer : ISingleFeaturePredictionTransformer<TModel>
        where TModel : class
    {
        options.LabelColumnName = LabelColumn;
        options.FeatureColumnName = FeatureColumn;
        options.NumberOfThreads = runtime.Threads;
        options.Seed = runtime.Seed;
        // One thread is deterministic by itself; LightGBM's deterministic mode (stable sums across threads) costs up
        // to a third of the training time, so it is asked for only when threads share the work.
        options.Deterministic = runtime.Threads > 1;
        options.Silent = true;
        options.Verbose = false;
        options.NumberOfIterations = values.Whole("numberOfIterations") ?? options.NumberOfIterations;
        options.LearningRate = values.Real("learningRate") ?? options.LearningRate;
        options.NumberOfLeaves = values.Whole("numberOfLeaves") ?? options.NumberOfLeaves;
        options.MinimumExampleCountPerLeaf = values.Whole("minimumExampleCountPerLeaf") ?? options.MinimumExampleCountPerLeaf;
        options.MaximumBinCountPerFeature = values.Whole("maximumBinCountPerFeature") ?? options.MaximumBinCountPerFeature;
        var booster = new GradientBooster.Options();
        booster.L2Regularization = values.Real("l2Regularization") ?? booster.L2Regularization;
        booster.L1Regularization = values.Real("l1Regularization") ?? booster.L1Regularization;
        booster.MinimumSplitGain = values.Real("minimumSplitGain") ?? booster.MinimumSplitGain;
        booster.MaximumTreeDepth = values.Whole("maximumTreeDepth") ?? booster.MaximumTreeDepth;
        booster.FeatureFraction = values.Real("featureFraction") ?? booster.FeatureFraction;
        if (values.Real("subsampleFraction") is { } fraction and < 1)
        {
            // LightGBM bags rows only with a bagging frequency: every iteration here.
            booster.SubsampleFraction = fraction;
            booster.SubsampleFrequency = 1;
        }
        options.Booster = booster;
        return (TOptions)options;
    }
}
