namespace HyperTune.Core.Optimizers.RandomForest;

/// <summary>
/// How trials still being evaluated enter the model, so parallel workers are steered to different regions
/// ("constant liar": each pending configuration is added with a made-up loss).
/// </summary>
public enum PendingStrategy
{
    /// <summary>Pending trials get the mean observed loss (balanced).</summary>
    Mean,

    /// <summary>Pending trials get the best observed loss (optimistic: parallel points stay near the incumbent).</summary>
    Min,

    /// <summary>Pending trials get the worst observed loss (pessimistic: pushes parallel points apart).</summary>
    Max,

    /// <summary>Pending trials are ignored by the model; only duplicates are avoided.</summary>
    Ignore,
}
