using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;

namespace HyperTune.Trainables.MlNet;

/// <summary>
/// ML.NET's FastForest (a random forest of FastTree trees). Its binary scores are calibrated (Platt) so log loss and
/// probabilities exist; several classes are learned one against the rest.
/// </summary>
public sealed class FastForestLearner : MlLearner
{
    /// <inheritdoc />
    public override string Name => "fastforest";

    /// <inheritdoc />
    public override IReadOnlyList<MlHyperparameter> Hyperparameters { get; } =
    [
        new("numberOfTrees", true, 1, 100_000),
        new("numberOfLeaves", true, 2, 131_072),
        new("minimumExampleCountPerLeaf", true, 1, 1_000_000),
        new("maximumBinCountPerFeature", true, 2, 65_535),
        new("featureFraction", false, 1e-3, 1),
    ];

    /// <inheritdoc />
    public override IEstimator<ITransformer> Create(MLContext ml, MlTask task, LearnerValues values, LearnerRuntime runtime)
    {
        switch (task)
        {
            case MlTask.Regression:
                return ml.Regression.Trainers.FastForest(Configure(new FastForestRegressionTrainer.Options(), values, runtime));
            case MlTask.Binary:
                return ml.BinaryClassification.Trainers.FastForest(Configure(new FastForestBinaryTrainer.Options(), values, runtime))
                    .Append(ml.BinaryClassification.Calibrators.Platt(LabelColumn));
            default:
                var binary = ml.BinaryClassification.Trainers.FastForest(
                    Configure(new FastForestBinaryTrainer.Options(), values, runtime));
                return ml.MulticlassClassification.Trainers.OneVersusAll(binary, LabelColumn);
        }
    }

    private static T Configure<T>(T options, LearnerValues values, LearnerRuntime runtime) where T : TreeOptions
    {
        TreeLearnerOptions.Apply(options, values, runtime);
        return options;
    }
}
