namespace HyperTune.Trainables.MlNet;

/// <summary>What an ML.NET trainable learns: a class out of two, a class out of several, or a number.</summary>
public enum MlTask
{
    /// <summary>Binary classification (exactly two label values).</summary>
    Binary,

    /// <summary>Multiclass classification.</summary>
    Multiclass,

    /// <summary>Regression on a numeric label.</summary>
    Regression,
}
