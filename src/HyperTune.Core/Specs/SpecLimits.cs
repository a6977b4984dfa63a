namespace HyperTune.Core.Specs;

/// <summary>
/// Upper bounds a spec must respect to be accepted, so that a hostile or careless spec is refused at once with a
/// clear error instead of keeping a node busy or exceeding the cluster's message size. A node reads its values from
/// <c>hypertune.limits</c>; <see cref="Default"/> holds the same defaults. Limits apply when a spec is admitted; a
/// spec already stored is read with <see cref="Unlimited"/> so that lowering a limit never makes a study unloadable.
/// </summary>
/// <param name="MaxSpecBytes">Size of the spec text in UTF-8 bytes (well below the 16 MiB remoting frame).</param>
/// <param name="MaxCategoricalChoices">Choices of one categorical parameter, and values of one condition.</param>
/// <param name="MaxGridPoints">Configurations of a grid search (the product of the grid's axis sizes).</param>
/// <param name="MaxParameters">Parameters of the search space (its dimension).</param>
/// <param name="MaxChoiceLength">Characters of one string choice.</param>
/// <param name="MaxModelDimensions">
/// Coordinates of the space as the model-based optimizers <c>gp</c>, <c>rf</c> and <c>cmaes</c> see it (one per
/// numeric parameter, one per choice of a categorical): their cost per suggestion grows with it (a GP took over two
/// minutes per suggestion for a categorical of 10,000 choices).
/// </param>
public sealed record SpecLimits(
    int MaxSpecBytes,
    int MaxCategoricalChoices,
    long MaxGridPoints,
    int MaxParameters,
    int MaxChoiceLength,
    int MaxModelDimensions)
{
    /// <summary>The defaults (also those of <c>config/hypertune.defaults.conf</c>).</summary>
    public static SpecLimits Default { get; } = new(
        MaxSpecBytes: 1024 * 1024,
        MaxCategoricalChoices: 10_000,
        MaxGridPoints: 1_000_000,
        MaxParameters: 1_000,
        MaxChoiceLength: 4_096,
        MaxModelDimensions: 500);

    /// <summary>No limits: for specs that were admitted already (stored in a journal or snapshot).</summary>
    public static SpecLimits Unlimited { get; } =
        new(int.MaxValue, int.MaxValue, long.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue);

    /// <summary>Throws unless every limit is positive.</summary>
    /// <exception cref="ArgumentException">A limit is zero or negative.</exception>
    public SpecLimits Validated()
    {
        if (MaxSpecBytes <= 0 || MaxCategoricalChoices <= 0 || MaxGridPoints <= 0 || MaxParameters <= 0 ||
            MaxChoiceLength <= 0 || MaxModelDimensions <= 0)
            throw new ArgumentException($"every spec limit must be positive: {this}");
        return this;
    }
}
