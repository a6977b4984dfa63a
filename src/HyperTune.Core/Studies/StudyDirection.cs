namespace HyperTune.Core.Studies;

/// <summary>Whether the study's metric is to be made small or large.</summary>
public enum StudyDirection
{
    /// <summary>Smaller is better (losses, errors).</summary>
    Minimize,

    /// <summary>Larger is better (accuracy, reward).</summary>
    Maximize,
}
