namespace HyperTune.Core.Spaces;

/// <summary>
/// Compares parameter values as <see cref="ParameterValues.Equals(object?, object?)"/> does (numbers by value, so
/// 1 equals 1.0), for hash sets and dictionaries that check choices in linear time.
/// </summary>
public sealed class ParameterValueComparer : IEqualityComparer<object>
{
    /// <summary>The single instance.</summary>
    public static ParameterValueComparer Instance { get; } = new();

    private ParameterValueComparer()
    {
    }

    /// <inheritdoc />
    public new bool Equals(object? x, object? y) => ParameterValues.Equals(x, y);

    /// <inheritdoc />
    public int GetHashCode(object obj) => ParameterValues.GetHashCode(obj);
}
