namespace HyperTune.Core.Optimizers.RandomForest;

/// <summary>How a <see cref="RegressionTree"/> grows.</summary>
/// <param name="MinSamplesSplit">A node with fewer (bootstrap) samples becomes a leaf.</param>
/// <param name="MinSamplesLeaf">Each side of a split keeps at least this many samples.</param>
/// <param name="MaxDepth">Depth limit.</param>
/// <param name="FeatureFraction">Fraction of the features considered at each split (at least one).</param>
/// <param name="RandomThresholds">Place numeric thresholds at a random point between the neighbouring values instead of the midpoint.</param>
/// <param name="PurityEpsilon">A node whose target variance is at most this is a leaf.</param>
public sealed record TreeOptions(int MinSamplesSplit = 3, int MinSamplesLeaf = 1, int MaxDepth = 20, double FeatureFraction = 1.0,
    bool RandomThresholds = true, double PurityEpsilon = 1e-12);
