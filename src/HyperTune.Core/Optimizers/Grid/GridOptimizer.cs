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

    /// <summary>The <c>optimizer.type</c> naming this optimizer.</summary>
    public const string TypeName = "grid";

    private const int DefaultGridPoints = 10;
    private const int MaxGridPointsSetting = 100_000;

    // A grid with conditional parameters is listed in memory (its points have different shapes); at most this many
    // values in all, about 20 bytes each (a million points of 20 parameters). Unconditional grids are not listed.
    private const long MaxListedValues = 20_000_000;

    private readonly Lazy<IReadOnlyList<Configuration>> _points;

    /// <summary>
    /// Creates a grid optimizer from its spec; counts the grid now so a too-large grid fails at once, and computes
    /// or lists its points only when they are first needed (validating a spec costs no more than counting).
    /// </summary>
    public GridOptimizer(SearchSpace space, OptimizerSpec spec)
    {
        var r = spec.Reader();
        var gridPoints = ReadGridPoints(r);
        var shuffled = r.GetString("order", "sequential", "sequential", "shuffled") == "shuffled";
        var maxPoints = r.GetInt("maxPoints", 1_000_000, 1, 50_000_000);
        r.EnsureNoUnknownFields();

        // Counted first: enumerating up to maxPoints configurations only to refuse the grid would take long.
        var size = CountPoints(space, gridPoints);
        if (size > maxPoints)
            throw new SpecException("optimizer.maxPoints",
                $"the grid has {FormatSize(size)} points, more than {maxPoints}; " +
                "lower gridPoints, add steps, or raise maxPoints");
        var count = (int)size;
        if (!space.HasConditions)
        {
            _points = new(() =>
                new FactorialGrid(space.Parameters, gridPoints, count, shuffled ? Order(spec, count) : null));
        }
        else
        {
            var values = SaturatingMultiply(size, space.Parameters.Count);
            if (values > MaxListedValues)
                throw new SpecException("optimizer",
                    $"a grid with conditional parameters is held in memory: {size} points of up to " +
                    $"{space.Parameters.Count} parameters is more than {MaxListedValues} values");
            _points = new(() =>
            {
                var points = new List<Configuration>(count);
                var chosen = new Dictionary<string, object>(StringComparer.Ordinal);
                Enumerate(space, space.Parameters, 0, chosen, gridPoints, points, maxPoints);
                if (shuffled) NewOrderRandom(spec).Shuffle(points);
                return points;
            });
        }
        Size = count;
    }

    /// <summary>How many configurations the grid has.</summary>
    public int Size { get; }

    /// <summary>The grid's configurations in the order they are tried.</summary>
    public IReadOnlyList<Configuration> Points => _points.Value;

    // The same shuffle as of a listed grid: Fisher-Yates depends only on the count, so permuting indices permutes
    // the points the same way.
    private static int[] Order(OptimizerSpec spec, int count)
    {
        var order = new int[count];
        for (var i = 0; i < count; i++) order[i] = i;
        NewOrderRandom(spec).Shuffle(order);
        return order;
    }

    private static SeededRandom NewOrderRandom(OptimizerSpec spec) =>
        SeededRandom.Derive(spec.Seed, SeededRandom.StableHash("grid.order"));

    /// <inheritdoc />
    public OptimizerAnswer Ask(TrialHistory history, int trialNumber)
    {
        var points = _points.Value;
        var used = new bool[points.Count];
        foreach (var t in history.Trials)
            if (t.Attributes.TryGetValue(IndexAttribute, out var s) && int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < used.Length)
                used[i] = true;
        var next = Array.IndexOf(used, false);
        if (next < 0) return OptimizerAnswer.Exhausted($"all {points.Count} grid points were tried");
        return new TrialSuggestion(points[next])
        {
            Attributes = ImmutableDictionary<string, string>.Empty.Add(IndexAttribute, next.ToString(CultureInfo.InvariantCulture)),
        };
    }

    /// <summary>
    /// Refuses a grid with more than <paramref name="maxGridPoints"/> points (a node's limit, checked when a spec is
    /// admitted), counting them in time linear in the size of the space.
    /// </summary>
    /// <exception cref="SpecException">The grid is too large, or <c>gridPoints</c> is invalid.</exception>
    public static void EnsureWithin(SearchSpace space, OptimizerSpec spec, long maxGridPoints)
    {
        var size = CountPoints(space, ReadGridPoints(spec.Reader()));
        if (size > maxGridPoints)
            throw new SpecException("optimizer",
                $"the grid has {FormatSize(size)} points, more than the limit of {maxGridPoints} " +
                "(hypertune.limits.max-grid-points); lower gridPoints, add steps, or shrink the space");
    }

    /// <summary>
    /// The number of points of the grid over <paramref name="space"/>, without enumerating them; saturates at
    /// <see cref="long.MaxValue"/>. A categorical parameter's subtree counts, for each choice, the product of the
    /// subtrees of the children active on that choice; the space is the product of its unconditional subtrees.
    /// </summary>
    public static long CountPoints(SearchSpace space, int gridPoints)
    {
        // Per categorical parent: the product of its children's subtrees for each choice (children come later in
        // dependency order, so walking it backwards completes every child before its parent).
        var perChoice = new Dictionary<string, long[]>(StringComparer.Ordinal);
        var choiceIndexes = new Dictionary<string, Dictionary<object, int>>(StringComparer.Ordinal);
        var total = 1L;
        foreach (var p in space.Parameters.Reverse())
        {
            long size;
            if (p is CategoricalParameter c && perChoice.TryGetValue(c.Name, out var products))
            {
                size = 0;
                foreach (var product in products) size = SaturatingAdd(size, product);
            }
            else
            {
                size = p.GridSize(gridPoints);
            }
            if (p.Condition is not { } condition)
            {
                total = SaturatingMultiply(total, size);
                continue;
            }
            var parent = (CategoricalParameter)space[condition.Parent];
            if (!perChoice.TryGetValue(parent.Name, out var parentProducts))
            {
                parentProducts = new long[parent.Choices.Count];
                Array.Fill(parentProducts, 1L);
                perChoice[parent.Name] = parentProducts;
            }
            if (!choiceIndexes.TryGetValue(parent.Name, out var index))
                choiceIndexes[parent.Name] = index = IndexOfChoices(parent);
            foreach (var value in condition.Values.Distinct(ParameterValueComparer.Instance))
                if (index.TryGetValue(value, out var i))
                    parentProducts[i] = SaturatingMultiply(parentProducts[i], size);
        }
        return total;
    }

    private static Dictionary<object, int> IndexOfChoices(CategoricalParameter parameter)
    {
        var index = new Dictionary<object, int>(parameter.Choices.Count, ParameterValueComparer.Instance);
        for (var i = 0; i < parameter.Choices.Count; i++) index.TryAdd(parameter.Choices[i], i);
        return index;
    }

    private static int ReadGridPoints(JsonSettings settings) =>
        settings.GetInt("gridPoints", DefaultGridPoints, 1, MaxGridPointsSetting);

    private static string FormatSize(long size) =>
        size == long.MaxValue ? $"over {long.MaxValue}" : size.ToString(CultureInfo.InvariantCulture);

    private static long SaturatingMultiply(long a, long b) =>
        a == 0 || b == 0 ? 0 : a > long.MaxValue / b ? long.MaxValue : a * b;

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

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
