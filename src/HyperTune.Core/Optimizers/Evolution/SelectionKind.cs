namespace HyperTune.Core.Optimizers.Evolution;

/// <summary>How parents are drawn from the population.</summary>
public enum SelectionKind
{
    /// <summary>The best of a few members drawn at random.</summary>
    Tournament,

    /// <summary>A member drawn at random from the best fraction.</summary>
    Truncation,
}
