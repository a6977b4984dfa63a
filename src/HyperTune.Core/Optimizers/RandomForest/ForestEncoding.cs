using HyperTune.Core.Spaces;

namespace HyperTune.Core.Optimizers.RandomForest;

/// <summary>
/// Turns configurations into forest feature rows, one feature per parameter (in space order). Numeric parameters
/// give their unit coordinate (<see cref="NumericParameter.ToUnit"/>: log scales in log space), or -1 when
/// inactive, so a single threshold separates "absent" from every value. Categorical parameters give their choice
/// index, with one extra category (index = number of choices) meaning "inactive"; trees split on them natively.
/// </summary>
public sealed class ForestEncoding
{
    /// <summary>The numeric feature value of an inactive parameter (below every unit coordinate).</summary>
    public const double InactiveNumeric = -1.0;

    private readonly SearchSpace _space;
    private readonly int[] _categoryCounts;

    /// <summary>Creates the encoding of a space.</summary>
    public ForestEncoding(SearchSpace space)
    {
        _space = space;
        _categoryCounts = space.Parameters.Select(p => p is CategoricalParameter c ? c.Choices.Count + 1 : 0).ToArray();
    }

    /// <summary>Per feature: 0 for numeric, else the number of categories (choices plus "inactive").</summary>
    public IReadOnlyList<int> CategoryCounts => _categoryCounts;

    /// <summary>Number of features.</summary>
    public int Dimension => _categoryCounts.Length;

    /// <summary>The feature row of a configuration.</summary>
    public double[] Encode(IReadOnlyDictionary<string, object> config)
    {
        var x = new double[_categoryCounts.Length];
        for (var i = 0; i < x.Length; i++)
        {
            var p = _space.Parameters[i];
            var present = config.TryGetValue(p.Name, out var v);
            x[i] = p switch
            {
                NumericParameter n => present ? n.ToUnit(v!) : InactiveNumeric,
                CategoricalParameter c => present ? Math.Max(0, c.IndexOf(v)) : c.Choices.Count,
                _ => throw new NotSupportedException($"parameter '{p.Name}' of kind {p.GetType().Name}"),
            };
        }
        return x;
    }
}
