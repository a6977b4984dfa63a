namespace HyperTune.Core.Optimizers.Designs;

/// <summary>How a <see cref="SobolSequence"/> randomizes its points from a seed.</summary>
public enum SobolScrambling
{
    /// <summary>The plain sequence (its first point is the origin). For tests and for reproducing published designs.</summary>
    None,

    /// <summary>A random digital shift: every coordinate's binary digits are XORed with a seed-derived constant.</summary>
    DigitalShift,

    /// <summary>
    /// Owen's nested uniform scrambling: each binary digit is flipped or not depending on the seed and all the digits
    /// before it. Keeps the net structure (every elementary interval keeps its share of points) while making every
    /// point uniform on [0, 1) and removing the sequence's alignment on the grid.
    /// </summary>
    Owen,
}
