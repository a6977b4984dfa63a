using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;

namespace HyperTune.Trainables.MlNet;

/// <summary>
/// ML.NET's FastTree (MART gradient-boosted trees); several classes are learned one against the rest.
/// </summary>
public sealed class FastTreeLearner : MlLearner
{
    /// <inheritdoc />
    public override string Name => "fasttree";

    /// <inheritdoc />
    public override IReadOnlyList<MlHyperparameter> Hyperparameters { get; } =
    [
        new("numberOfTrees", true, 1, 100_000),
        new("learningRate", false, 1e-6, 1),
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
                return ml.Regression.Trainers.FastTree(Configure(new FastTreeRegressionTrainer.Options(), values, runtime));
            case MlTask.Binary:
                return ml.BinaryClassification.Trainers.FastTree(Configure(new FastTreeBinaryTrainer.Options(), values, runtime));
            default:
                var binary = ml.BinaryClassification.Trainers.FastTree(
                    Configure(new FastTreeBinaryTrainer.Options(), values, runtime));
                return ml.MulticlassClassification.Trainers.OneVersusAll(binary, LabelColumn);
        }
    }

    private static T Configure<T>(T options, LearnerValues values, LearnerRuntime runtime) where T : BoostedTreeOptions
    {
        TreeLearnerOptions.Apply(options, values, runtime);
        options.LearningRate = values.Real("learningRate") ?? options.LearningRate;
        return options;
    }
}
