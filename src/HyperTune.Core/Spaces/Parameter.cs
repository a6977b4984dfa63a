using HyperTune.Core.Randomness;

namespace HyperTune.Core.Spaces;

/// <summary>One dimension of a search space.</summary>
public abstract record Parameter(string Name)
{
    /// <summary>When set, the parameter only exists while the condition on its parent holds.</summary>
    public ParameterCondition? Condition { get; init; }

    /// <summary>True when <paramref name="value"/> is a legal value of this parameter.</summary>
    public abstract bool Contains(object value);

    /// <summary>Draws a value uniformly (log-uniformly for log scales).</summary>
    public abstract object Sample(SeededRandom random);

    /// <summary>
    /// The finite set of values grid search enumerates: every value for categorical and stepped parameters,
    /// <paramref name="gridPoints"/> evenly spaced values (in log space for log scales) otherwise.
    /// </summary>
    public abstract IReadOnlyList<object> GridValues(int gridPoints);

    /// <summary>
    /// How many values <see cref="GridValues"/> returns, computed without listing them (a stepped range can hold
    /// more values than memory); saturates at <see cref="long.MaxValue"/>.
    /// </summary>
    public virtual long GridSize(int gridPoints) => GridValues(gridPoints).Count;

    /// <summary>Converts a value coming from outside (JSON, a user) to this parameter's representation, or throws.</summary>
    public abstract object Coerce(object value);

    /// <summary>A one-line description of the domain, for messages and tables.</summary>
    public abstract string Describe();
}
