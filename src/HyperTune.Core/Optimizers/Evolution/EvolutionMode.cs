namespace HyperTune.Core.Optimizers.Evolution;

/// <summary>How generations follow each other.</summary>
public enum EvolutionMode
{
    /// <summary>A whole generation is proposed, evaluated, then selected from (a barrier between generations).</summary>
    Generational,

    /// <summary>Each new trial is bred from the best finished trials so far; a slow trial holds nothing back.</summary>
    SteadyState,
}
