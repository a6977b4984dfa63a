using HyperTune.Core.Randomness;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;

namespace HyperTune.Core.Schedulers.Population;

/// <summary>
/// Population-based training's explore step: a new configuration near an inherited one. Each parameter is
/// re-sampled from the space with <see cref="ResampleProbability"/>; otherwise a numeric value is multiplied by one
/// of <see cref="Factors"/> (kept within bounds, on integers and steps; an integer the factor cannot move moves by one
/// step), a categorical or a parameter with its own list of values moves to a neighbouring value of that list.
/// Parameters of a conditional space that become active are sampled.
/// </summary>
public sealed class PbtExplorer
{
    private readonly SearchSpace _space;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<object>> _mutations;

    /// <summary>Creates an explorer over <paramref name="space"/>.</summary>
    /// <param name="space">The study's space.</param>
    /// <param name="resampleProbability">Chance that a parameter is drawn afresh instead of perturbed.</param>
    /// <param name="factors">The factors a numeric value is multiplied by, one drawn at random.</param>
    /// <param name="mutations">Per parameter, the values it moves between instead (in their order).</param>
    public PbtExplorer(SearchSpace space, double resampleProbability, IReadOnlyList<double> factors,
        IReadOnlyDictionary<string, IReadOnlyList<object>>? mutations = null)
    {
        if (factors.Count == 0 || factors.Any(f => !(f > 0) || !double.IsFinite(f)))
            throw new ArgumentException("factors must be positive numbers", nameof(factors));
        _space = space;
        ResampleProbability = resampleProbability;
        Factors = factors;
        _mutations = mutations ?? new Dictionary<string, IReadOnlyList<object>>();
    }

    /// <summary>Chance that a parameter is drawn afresh instead of perturbed.</summary>
    public double ResampleProbability { get; }

    /// <summary>The factors a numeric value is multiplied by.</summary>
    public IReadOnlyList<double> Factors { get; }

    /// <summary>A configuration near <paramref name="from"/>, always legal in the space.</summary>
    public Configuration Explore(Configuration from, SeededRandom random) =>
        _space.Build((parameter, _) => from.TryGetValue(parameter.Name, out var value) && parameter.Contains(value)
            ? Perturb(parameter, value, random)
            : Draw(parameter, random));

    /// <summary>
    /// A configuration drawn afresh, as a resample draws each parameter (from its <c>mutations</c> list when it has
    /// one).
    /// </summary>
    public Configuration Sample(SeededRandom random) => _space.Build((parameter, _) => Draw(parameter, random));

    /// <summary>
    /// Reads <c>mutations</c>: an object naming parameters of the space, each with a list of legal values.
    /// </summary>
    /// <exception cref="SpecException">
    /// An unknown parameter, an empty list, or a value outside the parameter.
    /// </exception>
    public static IReadOnlyDictionary<string, IReadOnlyList<object>> ReadMutations(JsonSettings? settings,
        SearchSpace space)
    {
        var result = new Dictionary<string, IReadOnlyList<object>>();
        if (settings is null) return result;
        foreach (var name in settings.FieldNames.ToList())
        {
            var path = settings.PathOf(name);
            var parameter = ConfigurationReader.RequireParameter(space, name, path);
            var items = settings.GetArray(name)!;
            if (items.Count == 0) throw new SpecException(path, "needs at least one value");
            var values = items.Select(i => ConfigurationReader.ReadValue(parameter, i.Element, i.Path)).ToList();
            result[name] = values;
        }
        settings.EnsureNoUnknownFields(result.Keys.ToArray());
        return result;
    }

    private object Draw(Parameter parameter, SeededRandom random) =>
        _mutations.TryGetValue(parameter.Name, out var list)
            ? list[random.NextInt(list.Count)]
            : parameter.Sample(random);

    private object Perturb(Parameter parameter, object value, SeededRandom random)
    {
        if (random.NextDouble() < ResampleProbability) return Draw(parameter, random);
        if (_mutations.TryGetValue(parameter.Name, out var list)) return Neighbour(list, value, random);
        return parameter switch
        {
            NumericParameter numeric => Scale(numeric, value, random),
            CategoricalParameter categorical => Neighbour(categorical.Choices, value, random),
            _ => value,
        };
    }

    private object Scale(NumericParameter parameter, object value, SeededRandom random)
    {
        var factor = Factors[random.NextInt(Factors.Count)];
        var current = ParameterValues.ToDouble(value);
        var scaled = current * factor;
        // A log scale has no zero or negative values; clamp there before mapping (the mapping clamps the rest).
        if (parameter.Log) scaled = Math.Max(scaled, parameter.Low);
        var moved = parameter.FromInternal(parameter.ToInternal(scaled));
        if (!parameter.IsInteger || ParameterValues.ToDouble(moved) != current || factor == 1) return moved;
        // An integer too small for the factor to move (2 × 1.2 rounds back to 2) moves one step that way.
        var step = parameter.Step ?? 1;
        var nudged = current + (factor > 1 ? step : -step);
        return parameter.FromInternal(parameter.ToInternal(parameter.Log ? Math.Max(nudged, parameter.Low) : nudged));
    }

    private static object Neighbour(IReadOnlyList<object> values, object value, SeededRandom random)
    {
        var index = -1;
        for (var i = 0; i < values.Count; i++)
            if (ParameterValueComparer.Instance.Equals(values[i], value)) index = i;
        if (index < 0)
        {
            // Not in the list: the nearest numeric value, or any one.
            if (value is not (long or double) || values.Any(v => v is not (long or double)))
                return values[random.NextInt(values.Count)];
            var x = ParameterValues.ToDouble(value);
            return values.MinBy(v => Math.Abs(ParameterValues.ToDouble(v) - x))!;
        }
        var shift = random.NextInt(2) == 0 ? -1 : 1;
        return values[Math.Clamp(index + shift, 0, values.Count - 1)];
    }
}
