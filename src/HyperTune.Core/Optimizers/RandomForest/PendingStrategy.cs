namespace HyperTune.Core.Optimizers.RandomForest;

/// <summary>
/// How trials still being evaluated enter the model, so parallel workers are steered to different regions
/// ("constant liar": each pending configuration is added with a made-up loss). The optimistic liar (the best
/// loss) is deliberately not offered: with a forest it feeds on itself, each pending point making its own leaf look
/// as good as the incumbent and drawing the next suggestions there (measured: random-search quality at 8 workers).
/// </summary>
public enum PendingStrategy
{
    /// <summary>Pending trials get the mean observed loss.</summary>
    Mean,

    /// <summary>Pending trials get the worst observed loss (pessimistic: pushes parallel points apart). The default.</summary>
    Max,

    /// <summary>Pending trials are ignored by the model; only duplicates are avoided.</summary>
    Ignore,
}
