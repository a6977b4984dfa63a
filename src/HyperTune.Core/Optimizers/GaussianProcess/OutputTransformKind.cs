namespace HyperTune.Core.Optimizers.GaussianProcess;

/// <summary>How observed losses are mapped to the GP's outputs (the spec's <c>outputTransform</c> setting).</summary>
public enum OutputTransformKind
{
    /// <summary><c>"standardize"</c>: subtract the mean, divide by the standard deviation.</summary>
    Standardize,

    /// <summary>
    /// <c>"power"</c>: center on the median and scale by the interquartile range, apply the Yeo-Johnson power transform whose exponent makes the values look most
    /// normal (maximum likelihood), standardize again. Tames heavy right tails (Rosenbrock, Styblinski-Tang) so that a
    /// few huge losses do not flatten the model where the good points are.
    /// </summary>
    Power,
}
