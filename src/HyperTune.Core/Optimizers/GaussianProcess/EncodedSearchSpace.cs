using HyperTune.Core.Randomness;
using HyperTune.Core.Spaces;

namespace HyperTune.Core.Optimizers.GaussianProcess;

/// <summary>
/// The search space as the GP sees it: <see cref="SpaceEncoder"/>'s unit cube (log scales in log space, one-hot
/// categoricals), plus what the acquisition search needs on top: rounding a point to a configuration that exists
/// (one-hot blocks to their largest entry, integers and stepped floats to a legal value, inactive conditional
/// parameters to a fixed imputed value), which coordinates a gradient may move, and discrete neighbours.
/// </summary>
internal sealed class EncodedSearchSpace
{
    /// <summary>
    /// Where an inactive numeric parameter sits in the unit cube. Every configuration without the parameter gets the
    /// same value, so the kernel sees such configurations as alike in that coordinate.
    /// </summary>
    public const double InactiveValue = 0.5;

    private readonly SpaceEncoder _encoder;
    private readonly Parameter[] _parameters;
    private readonly int[] _offsets;
    private readonly int[] _parentIndex;

    /// <summary>Wraps a space.</summary>
    public EncodedSearchSpace(SearchSpace space)
    {
        _encoder = new SpaceEncoder(space);
        _parameters = space.Parameters.ToArray();
        _offsets = Enumerable.Range(0, _parameters.Length).Select(_encoder.OffsetOf).ToArray();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _parameters.Length; i++) index[_parameters[i].Name] = i;
        _parentIndex = _parameters.Select(p => p.Condition is { } c ? index[c.Parent] : -1).ToArray();
        IsContinuousCoordinate = new bool[Dimension];
        for (var i = 0; i < _parameters.Length; i++)
            if (IsPlainFloat(_parameters[i])) IsContinuousCoordinate[_offsets[i]] = true;
    }

    /// <summary>The space.</summary>
    public SearchSpace Space => _encoder.Space;

    /// <summary>Number of coordinates.</summary>
    public int Dimension => _encoder.Dimension;

    /// <summary>Number of parameters.</summary>
    public int ParameterCount => _parameters.Length;

    /// <summary>Coordinates of unstepped float parameters: the ones a gradient can move (when active).</summary>
    public bool[] IsContinuousCoordinate { get; }

    /// <summary>Encodes a configuration, inactive numeric parameters at <see cref="InactiveValue"/>.</summary>
    public double[] Encode(IReadOnlyDictionary<string, object> config)
    {
        var x = _encoder.Encode(config);
        for (var i = 0; i < x.Length; i++)
            if (double.IsNaN(x[i])) x[i] = InactiveValue;
        return x;
    }

    /// <summary>The configuration a (rounded) point stands for.</summary>
    public Configuration Decode(IReadOnlyList<double> x) => _encoder.Decode(x);

    /// <summary>
    /// Rounds <paramref name="x"/> in place to the encoding of the configuration it decodes to, and marks in
    /// <paramref name="movable"/> (if given) the continuous coordinates that are active there.
    /// </summary>
    public void Round(Span<double> x, Span<bool> movable = default)
    {
        if (!movable.IsEmpty) movable.Clear();
        Span<int> chosen = _parameters.Length <= 256 ? stackalloc int[_parameters.Length] : new int[_parameters.Length];
        Span<bool> active = _parameters.Length <= 256 ? stackalloc bool[_parameters.Length] : new bool[_parameters.Length];
        for (var i = 0; i < _parameters.Length; i++)
        {
            var p = _parameters[i];
            var o = _offsets[i];
            active[i] = IsActive(i, active, chosen);
            switch (p)
            {
                case CategoricalParameter c:
                {
                    var best = 0;
                    for (var k = 1; k < c.Choices.Count; k++)
                        if (x[o + k] > x[o + best]) best = k;
                    chosen[i] = best;
                    for (var k = 0; k < c.Choices.Count; k++) x[o + k] = active[i] && k == best ? 1 : 0;
                    break;
                }
                case NumericParameter n:
                    if (!active[i]) x[o] = InactiveValue;
                    else if (IsPlainFloat(n))
                    {
                        x[o] = Math.Clamp(x[o], 0, 1);
                        if (!movable.IsEmpty) movable[o] = true;
                    }
                    else x[o] = n.ToUnit(n.FromUnit(x[o]));
                    break;
            }
        }
    }

    /// <summary>A uniformly random rounded point.</summary>
    public double[] RandomPoint(SeededRandom random)
    {
        var x = new double[Dimension];
        for (var i = 0; i < x.Length; i++) x[i] = random.NextDouble();
        Round(x);
        return x;
    }

    /// <summary>
    /// A rounded point near <paramref name="center"/>: Gaussian steps of <paramref name="scale"/> on numeric
    /// coordinates, and each discrete parameter moved to a neighbour (numeric) or another choice (categorical) with
    /// probability <paramref name="discreteMoveProbability"/>.
    /// </summary>
    public double[] Perturb(ReadOnlySpan<double> center, double scale, double discreteMoveProbability, SeededRandom random)
    {
        var x = center.ToArray();
        for (var i = 0; i < _parameters.Length; i++)
        {
            var o = _offsets[i];
            switch (_parameters[i])
            {
                case CategoricalParameter c:
                    if (c.Choices.Count > 1 && random.NextDouble() < discreteMoveProbability)
                    {
                        var k = random.NextInt(c.Choices.Count);
                        for (var j = 0; j < c.Choices.Count; j++) x[o + j] = j == k ? 1 : 0;
                    }
                    break;
                case NumericParameter n when IsPlainFloat(n):
                    x[o] = Math.Clamp(x[o] + scale * random.NextGaussian(), 0, 1);
                    break;
                case NumericParameter n:
                    if (random.NextDouble() < discreteMoveProbability)
                    {
                        var neighbours = NumericNeighbours(n, x[o]);
                        if (neighbours.Count > 0) x[o] = neighbours[random.NextInt(neighbours.Count)];
                    }
                    else x[o] = Math.Clamp(x[o] + scale * random.NextGaussian(), 0, 1);
                    break;
            }
        }
        Round(x);
        return x;
    }

    /// <summary>
    /// Every rounded point one discrete move away from the rounded point <paramref name="x"/>: an integer or stepped
    /// parameter one step up or down, or a categorical parameter set to another choice.
    /// </summary>
    public List<double[]> DiscreteNeighbours(ReadOnlySpan<double> x)
    {
        var result = new List<double[]>();
        var copy = x.ToArray();
        Span<int> chosen = new int[_parameters.Length];
        Span<bool> active = new bool[_parameters.Length];
        for (var i = 0; i < _parameters.Length; i++)
        {
            var o = _offsets[i];
            active[i] = IsActive(i, active, chosen);
            switch (_parameters[i])
            {
                case CategoricalParameter c:
                {
                    var current = 0;
                    for (var k = 1; k < c.Choices.Count; k++)
                        if (copy[o + k] > copy[o + current]) current = k;
                    chosen[i] = current;
                    if (!active[i]) break;
                    for (var k = 0; k < c.Choices.Count; k++)
                    {
                        if (k == current) continue;
                        var y = (double[])copy.Clone();
                        for (var j = 0; j < c.Choices.Count; j++) y[o + j] = j == k ? 1 : 0;
                        Round(y);
                        result.Add(y);
                    }
                    break;
                }
                case NumericParameter n when !IsPlainFloat(n) && active[i]:
                    foreach (var u in NumericNeighbours(n, copy[o]))
                    {
                        var y = (double[])copy.Clone();
                        y[o] = u;
                        result.Add(y);
                    }
                    break;
            }
        }
        return result;
    }

    private static bool IsPlainFloat(Parameter p) => p is FloatParameter { Step: null };

    private bool IsActive(int i, ReadOnlySpan<bool> active, ReadOnlySpan<int> chosen)
    {
        var p = _parameters[i];
        if (p.Condition is not { } c) return true;
        var parent = _parentIndex[i];
        return active[parent] && c.IsSatisfiedBy(((CategoricalParameter)_parameters[parent]).Choices[chosen[parent]]);
    }

    private static List<double> NumericNeighbours(NumericParameter n, double u)
    {
        var result = new List<double>(2);
        var value = ParameterValues.ToDouble(n.FromUnit(u));
        var step = n.Step ?? 1;
        foreach (var candidate in new[] { value - step, value + step })
        {
            if (candidate < n.Low - 1e-9 * step || candidate > n.High + 1e-9 * step) continue;
            object v = n.IsInteger ? (object)(long)Math.Round(candidate) : candidate;
            var snapped = n.ToUnit(n.FromInternal(n.ToInternal(v)));
            if (snapped != u) result.Add(snapped);
        }
        return result;
    }
}
