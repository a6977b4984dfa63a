namespace HyperTune.Core.Optimizers.Evolution;

/// <summary>How two parents make a child.</summary>
public enum CrossoverKind
{
    /// <summary>Simulated binary crossover for numbers (in the unit or log scale), uniform for categories.</summary>
    Sbx,

    /// <summary>Each parameter from one parent or the other with equal probability.</summary>
    Uniform,
}
