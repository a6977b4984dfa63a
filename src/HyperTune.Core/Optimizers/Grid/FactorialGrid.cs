using System.Collections;
using HyperTune.Core.Spaces;

namespace HyperTune.Core.Optimizers.Grid;

/// <summary>
/// The points of a grid over unconditional parameters, computed from their index instead of being listed, so a grid
/// of a million points over many parameters costs the values of each axis, not a configuration per point. The order
/// is the listing order (the first parameter varies slowest), optionally permuted.
/// </summary>
internal sealed class FactorialGrid : IReadOnlyList<Configuration>
{
    private readonly string[] _names;
    private readonly IReadOnlyList<object>[] _axes;
    private readonly int[]? _order;

    /// <summary>
    /// A grid over <paramref name="parameters"/>; <paramref name="order"/>, when given, maps a position to an index.
    /// </summary>
    public FactorialGrid(IReadOnlyList<Parameter> parameters, int gridPoints, int count, int[]? order)
    {
        _names = parameters.Select(p => p.Name).ToArray();
        _axes = parameters.Select(p => p.GridValues(gridPoints)).ToArray();
        _order = order;
        Count = count;
    }

    /// <inheritdoc />
    public int Count { get; }

    /// <inheritdoc />
    public Configuration this[int position]
    {
        get
        {
            if ((uint)position >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(position));
            var index = _order?[position] ?? position;
            var values = new KeyValuePair<string, object>[_names.Length];
            for (var i = _names.Length - 1; i >= 0; i--)
            {
                var axis = _axes[i];
                values[i] = new(_names[i], axis[index % axis.Count]);
                index /= axis.Count;
            }
            return Configuration.From(values);
        }
    }

    /// <inheritdoc />
    public IEnumerator<Configuration> GetEnumerator()
    {
        for (var i = 0; i < Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
