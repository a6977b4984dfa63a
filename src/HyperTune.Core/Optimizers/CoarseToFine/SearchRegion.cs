using HyperTune.Core.Optimizers.Designs;
using HyperTune.Core.Spaces;

namespace HyperTune.Core.Optimizers.CoarseToFine;

/// <summary>
/// A box in a search space: for each numeric parameter an interval of its unit coordinate
/// (<see cref="NumericParameter.ToUnit"/>, so log scales shrink in log space), for each categorical parameter a
/// subset of its choices. Maps points of the unit cube (one coordinate per parameter, in space order) into the box,
/// respecting conditions.
/// </summary>
public sealed class SearchRegion
{
    private readonly SearchSpace _space;
    private readonly Dictionary<string, int> _index;
    private readonly (double Low, double High)[] _bounds;
    private readonly IReadOnlyList<object>?[] _choices;

    private SearchRegion(SearchSpace space, (double, double)[] bounds, IReadOnlyList<object>?[] choices)
    {
        _space = space;
        _bounds = bounds;
        _choices = choices;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < space.Parameters.Count; i++) _index[space.Parameters[i].Name] = i;
    }

    /// <summary>The whole space.</summary>
    public static SearchRegion Whole(SearchSpace space) =>
        new(space, space.Parameters.Select(_ => (0.0, 1.0)).ToArray(), space.Parameters.Select(p => (p as CategoricalParameter)?.Choices).ToArray());

    /// <summary>
    /// A box of side <paramref name="side"/> (unit coordinates) around <paramref name="center"/>, shifted to lie
    /// inside the space; categorical parameters restricted to <paramref name="allowedChoices"/> (all choices when a
    /// parameter is missing from it). A numeric parameter inactive in the center is centered on
    /// <paramref name="fallbackCenters"/> when given there, else left whole.
    /// </summary>
    public static SearchRegion Around(SearchSpace space, IReadOnlyDictionary<string, object> center, double side,
        IReadOnlyDictionary<string, IReadOnlyList<object>> allowedChoices, IReadOnlyDictionary<string, double> fallbackCenters)
    {
        var bounds = new (double, double)[space.Parameters.Count];
        var choices = new IReadOnlyList<object>?[space.Parameters.Count];
        for (var i = 0; i < space.Parameters.Count; i++)
        {
            var p = space.Parameters[i];
            switch (p)
            {
                case NumericParameter n:
                    double? u = center.TryGetValue(p.Name, out var v) ? n.ToUnit(v) : fallbackCenters.TryGetValue(p.Name, out var f) ? f : null;
                    if (u is not { } c || side >= 1)
                    {
                        bounds[i] = (0, 1);
                        break;
                    }
                    var low = Math.Clamp(c - side / 2, 0, 1 - side);
                    bounds[i] = (low, low + side);
                    break;
                case CategoricalParameter cat:
                    choices[i] = allowedChoices.TryGetValue(p.Name, out var allowed) && allowed.Count > 0 ? allowed : cat.Choices;
                    break;
            }
        }
        return new SearchRegion(space, bounds, choices);
    }

    /// <summary>The unit-coordinate interval of a numeric parameter.</summary>
    public (double Low, double High) Bounds(string parameter) => _bounds[_index[parameter]];

    /// <summary>The choices a categorical parameter may take in this region.</summary>
    public IReadOnlyList<object> Choices(string parameter) => _choices[_index[parameter]] ?? throw new ArgumentException($"'{parameter}' is not categorical");

    /// <summary>The configuration at a point of the unit cube (one coordinate per parameter, in space order).</summary>
    public Configuration At(IReadOnlyList<double> unit) => _space.Build((p, _) =>
    {
        var i = _index[p.Name];
        var u = Math.Clamp(unit[i], 0, 1);
        return p switch
        {
            NumericParameter n => n.FromUnit(_bounds[i].Low + u * (_bounds[i].High - _bounds[i].Low)),
            CategoricalParameter => _choices[i]![Math.Min((int)Math.Floor(u * _choices[i]!.Count), _choices[i]!.Count - 1)],
            _ => SobolDesign.FromUnit(p, u),
        };
    });

    /// <summary>True when a configuration lies inside the region (used by tests and diagnostics).</summary>
    public bool Contains(IReadOnlyDictionary<string, object> config)
    {
        foreach (var (name, value) in config)
        {
            var i = _index[name];
            switch (_space.Parameters[i])
            {
                case NumericParameter n:
                    var u = n.ToUnit(value);
                    // Rounding to an integer or a step can move a value slightly outside its interval.
                    var slack = n.IsInteger || n.Step is not null ? 1.0 / Math.Max(1, (n.High - n.Low) / (n.Step ?? 1) + 1) : 1e-9;
                    if (u < _bounds[i].Low - slack || u > _bounds[i].High + slack) return false;
                    break;
                case CategoricalParameter:
                    if (!_choices[i]!.Any(c => ParameterValues.Equals(c, value))) return false;
                    break;
            }
        }
        return true;
    }
}
