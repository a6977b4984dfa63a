using System.Collections.Immutable;
using System.Globalization;
using HyperTune.Core.Randomness;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Optimizers.Grid;

/// <summary>
/// Grid search: the full factorial of every parameter's grid values (all choices of categorical and stepped
/// parameters, <c>gridPoints</c> evenly spaced values of other numeric ones, log-spaced on log scales). Conditional
/// parameters are only varied where active, so no configuration repeats. Each trial records its grid index in the
/// <c>grid.index</c> attribute; the next trial takes the lowest index no trial has used yet, and the optimizer
/// returns null (study over) once every point was tried.
/// Settings: <c>gridPoints</c> (default 10), <c>order</c> (<c>sequential</c> or <c>shuffled</c> with the seed),
/// <c>maxPoints</c> (refuse grids larger than this, default 1,000,000).
/// </summary>
public sealed class GridOptimizer : IOptimizer
{
    /// <summary>The attribute holding a trial's index in the grid.</summary>
    public const string IndexAttribute = "grid.index";

    private readonly IReadOnlyList<Configuration> _points;

    /// <summary>Creates a grid optimizer from its spec; enumerates the grid now so a too-large grid fails at once.</summary>
    public GridOptimizer(SearchSpace space, OptimizerSpec spec)
    {
        var r = spec.Reader();
        var gridPoints = r.GetInt("gridPoints", 10, 1, 100_000);
        var shuffled = r.GetString("order", "sequential", "sequential", "shuffled") == "shuffled";
        var maxPoints = r.GetInt("maxPoints", 1_000_000, 1, 50_000_000);
        r.EnsureNoUnknownFields();

        var points = new List<Configuration>();
        Enumerate(space, space.Parameters, 0, new Dictionary<string, object>(StringComparer.Ordinal), gridPoints, points, maxPoints);
        if (shuffled) SeededRandom.Derive(spec.Seed, SeededRandom.StableHash("grid.order")).Shuffle(points);
        _points = points;
    }

    /// <summary>How many configurations the grid has.</summary>
    public int Size => _points.Count;

    /// <summary>The grid's configurations in the order they are tried.</summary>
    public IReadOnlyList<Configuration> Points => _points;

    /// <inheritdoc />
    public TrialSuggestion? Suggest(TrialHistory history, int trialNumber)
    {
        var used = new bool[_points.Count];
        foreach (var t in history.Trials)
            if (t.Attributes.TryGetValue(IndexAttribute, out var s) && int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < used.Length)
                used[i] = true;
        var next = Array.IndexOf(used, false);
        if (next < 0) return null;
        return new TrialSuggestion(_points[next])
        {
            Attributes = ImmutableDictionary<string, string>.Empty.Add(IndexAttribute, next.ToString(CultureInfo.InvariantCulture)),
        };
    }

    private static void Enumerate(SearchSpace space, IReadOnlyList<Parameter> ordered, int index, Dictionary<string, object> chosen,
        int gridPoints, List<Configuration> output, int maxPoints)
    {
        if (index == ordered.Count)
        {
            if (output.Count >= maxPoints)
                throw new SpecException("optimizer.maxPoints", $"the grid has more than {maxPoints} points; lower gridPoints, add steps, or raise maxPoints");
            output.Add(Configuration.From(chosen));
            return;
        }
        var p = ordered[index];
        if (!space.IsActive(p, chosen))
        {
            Enumerate(space, ordered, index + 1, chosen, gridPoints, output, maxPoints);
            return;
        }
        foreach (var v in p.GridValues(gridPoints))
        {
            chosen[p.Name] = v;
            Enumerate(space, ordered, index + 1, chosen, gridPoints, output, maxPoints);
        }
        chosen.Remove(p.Name);
    }
}
