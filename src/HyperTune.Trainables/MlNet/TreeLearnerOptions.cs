using Microsoft.ML.Trainers.FastTree;

namespace HyperTune.Trainables.MlNet;

/// <summary>The settings FastTree and FastForest share.</summary>
internal static class TreeLearnerOptions
{
    /// <summary>Sets columns, threads, seed and the shared tree hyperparameters that <paramref name="values"/> give.</summary>
    public static void Apply(TreeOptions options, LearnerValues values, LearnerRuntime runtime)
    {
        options.LabelColumnName = MlLearner.LabelColumn;
        options.FeatureColumnName = MlLearner.FeatureColumn;
        options.NumberOfThreads = runtime.Threads;
        options.Seed = runtime.Seed;
        options.FeatureSelectionSeed = runtime.Seed;
        options.NumberOfTrees = values.Whole("numberOfTrees") ?? options.NumberOfTrees;
        options.NumberOfLeaves = values.Whole("numberOfLeaves") ?? options.NumberOfLeaves;
        options.MinimumExampleCountPerLeaf = values.Whole("minimumExampleCountPerLeaf") ?? options.MinimumExampleCountPerLeaf;
        options.MaximumBinCountPerFeature = values.Whole("maximumBinCountPerFeature") ?? options.MaximumBinCountPerFeature;
        options.FeatureFraction = values.Real("featureFraction") ?? options.FeatureFraction;
    }
}
