namespace HyperTune.Core.Optimizers.CmaEs;

/// <summary>How a sample that falls outside the unit cube is brought back inside.</summary>
public enum BoundHandling
{
    /// <summary>
    /// Draw again (up to <see cref="CmaEsSampler.MaxResamples"/> times, then reflect): the evaluated points follow
    /// the search distribution truncated to the cube.
    /// </summary>
    Resample,

    /// <summary>Mirror each outlying coordinate back into [0, 1] at once (no extra draws).</summary>
    Reflect,
}
