namespace HyperTune.Core.Optimizers.CoarseToFine;

/// <summary>How the coarse-to-fine optimizer draws points inside a region.</summary>
public enum RegionSampler
{
    /// <summary>An Owen-scrambled Sobol sequence per (round, region): stratified coverage of the box.</summary>
    Sobol,

    /// <summary>Independent uniform draws.</summary>
    Random,
}
