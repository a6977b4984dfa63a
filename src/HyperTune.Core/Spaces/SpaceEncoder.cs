namespace HyperTune.Core.Spaces;

/// <summary>
/// Maps configurations to points of the unit cube and back, for model-based optimizers (GP, random forest, CMA-ES).
/// Numeric parameters take one coordinate each (<see cref="NumericParameter.ToUnit"/>: log scales in log space,
/// integers widened by half a step). Categorical parameters take a one-hot block. An inactive conditional parameter
/// encodes as NaN (numeric) or all zeros (categorical), so models can tell "absent" from any value.
/// </summary>
public sealed class SpaceEncoder
{
    private readonly SearchSpace _space;
    private readonly int[] _offsets;

    /// <summary>Creates an encoder for a space.</summary>
    public SpaceEncoder(SearchSpace space)
    {
        _space = space;
        _offsets = new int[space.Parameters.Count];
        var offset = 0;
        for (var i = 0; i < space.Parameters.Count; i++)
        {
            _offsets[i] = offset;
            offset += Width(space.Parameters[i]);
        }
        Dimension = offset;
    }

    /// <summary>The space encoded.</summary>
    public SearchSpace Space => _space;

    /// <summary>Length of an encoded vector.</summary>
    public int Dimension { get; }

    /// <summary>Where a parameter's coordinates start (index into <see cref="SearchSpace.Parameters"/>).</summary>
    public int OffsetOf(int parameterIndex) => _offsets[parameterIndex];

    /// <summary>How many coordinates a parameter takes.</summary>
    public static int Width(Parameter p) => p is CategoricalParameter c ? c.Choices.Count : 1;

    /// <summary>Encodes a configuration.</summary>
    public double[] Encode(IReadOnlyDictionary<string, object> config)
    {
        var x = new double[Dimension];
        for (var i = 0; i < _space.Parameters.Count; i++)
        {
            var p = _space.Parameters[i];
            var present = config.TryGetValue(p.Name, out var v);
            switch (p)
            {
                case NumericParameter n:
                    x[_offsets[i]] = present ? n.ToUnit(v!) : double.NaN;
                    break;
                case CategoricalParameter c when present:
                    x[_offsets[i] + c.IndexOf(v)] = 1.0;
                    break;
            }
        }
        return x;
    }

    /// <summary>
    /// Decodes a point of the unit cube (values outside [0, 1] are clamped): numeric coordinates through
    /// <see cref="NumericParameter.FromUnit"/>, categorical blocks by their largest coordinate (first on ties), and
    /// only the parameters active under the decoded parents.
    /// </summary>
    public Configuration Decode(IReadOnlyList<double> x)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < _space.Parameters.Count; i++) index[_space.Parameters[i].Name] = i;
        return _space.Build((p, _) =>
        {
            var i = index[p.Name];
            var o = _offsets[i];
            if (p is NumericParameter n) return n.FromUnit(double.IsNaN(x[o]) ? 0.5 : x[o]);
            var c = (CategoricalParameter)p;
            var best = 0;
            for (var k = 1; k < c.Choices.Count; k++)
                if (x[o + k] > x[o + best]) best = k;
            return c.Choices[best];
        });
    }
}
