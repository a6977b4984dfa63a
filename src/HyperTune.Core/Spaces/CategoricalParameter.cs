using HyperTune.Core.Randomness;

namespace HyperTune.Core.Spaces;

/// <summary>A parameter taking one of a fixed list of choices (strings, numbers or booleans).</summary>
public sealed record CategoricalParameter(string Name, IReadOnlyList<object> Choices) : Parameter(Name)
{
    /// <summary>The index of <paramref name="value"/> in <see cref="Choices"/>, or -1.</summary>
    public int IndexOf(object? value)
    {
        for (var i = 0; i < Choices.Count; i++)
            if (ParameterValues.Equals(Choices[i], value)) return i;
        return -1;
    }

    /// <inheritdoc />
    public override bool Contains(object value) => IndexOf(value) >= 0;

    /// <inheritdoc />
    public override object Sample(SeededRandom random) => Choices[random.NextInt(Choices.Count)];

    /// <inheritdoc />
    public override IReadOnlyList<object> GridValues(int gridPoints) => Choices;

    /// <inheritdoc />
    public override long GridSize(int gridPoints) => Choices.Count;

    /// <inheritdoc />
    public override object Coerce(object value)
    {
        var i = IndexOf(value);
        if (i < 0) throw new ArgumentException($"parameter '{Name}' value {ParameterValues.Format(value)} is not one of {Describe()}");
        return Choices[i];
    }

    /// <inheritdoc />
    public override string Describe() => "{" + string.Join(", ", Choices.Select(ParameterValues.Format)) + "}";
}
