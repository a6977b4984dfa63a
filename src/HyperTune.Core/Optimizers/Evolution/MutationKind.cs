namespace HyperTune.Core.Optimizers.Evolution;

/// <summary>How a numeric parameter mutates (categories are drawn again among the other choices).</summary>
public enum MutationKind
{
    /// <summary>Deb's bounded polynomial mutation in the unit (or log) scale.</summary>
    Polynomial,

    /// <summary>A Gaussian step in the unit (or log) scale, reflected at the bounds.</summary>
    Gaussian,
}
