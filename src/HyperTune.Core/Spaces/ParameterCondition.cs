namespace HyperTune.Core.Spaces;

/// <summary>
/// Makes a parameter active only when its parent categorical parameter is active and has one of the given values
/// (for example <c>momentum</c> only when <c>optimizer</c> is <c>"sgd"</c>).
/// </summary>
/// <param name="Parent">Name of the categorical parameter this one depends on.</param>
/// <param name="Values">Parent values for which this parameter is active.</param>
public sealed record ParameterCondition(string Parent, IReadOnlyList<object> Values)
{
    /// <summary>True when <paramref name="parentValue"/> is one of <see cref="Values"/>.</summary>
    public bool IsSatisfiedBy(object? parentValue) =>
        parentValue is not null && Values.Any(v => ParameterValues.Equals(v, parentValue));
}
