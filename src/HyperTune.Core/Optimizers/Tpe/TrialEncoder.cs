using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Optimizers.Tpe;

/// <summary>
/// Encodes trials' configurations as rows of numbers, one per parameter of the space (unit coordinate or choice
/// index; NaN when the parameter is absent or its value is not in the space), and keeps each numeric parameter's
/// values sorted (<see cref="SortedColumn"/>). Rows are cached by trial number and reused only while the trial
/// still carries the very same configuration object, so a cached row is always the row a fresh encoder would
/// compute: the cache saves time, never changes an answer.
/// </summary>
/// <remarks>Not thread-safe on its own: the optimizer serializes calls.</remarks>
internal sealed class TrialEncoder
{
    private readonly IReadOnlyList<TpeDimension> _dimensions;
    private readonly Dictionary<int, (Configuration Params, double[] Row)> _cache = new();
    private readonly SortedColumn?[] _columns;
    private readonly List<(double, int)>[] _removed;
    private readonly List<(double, int)>[] _added;

    public TrialEncoder(IReadOnlyList<TpeDimension> dimensions)
    {
        _dimensions = dimensions;
        _columns = dimensions.Select(d => d.Numeric is null ? null : new SortedColumn()).ToArray();
        _removed = dimensions.Select(_ => new List<(double, int)>()).ToArray();
        _added = dimensions.Select(_ => new List<(double, int)>()).ToArray();
    }

    /// <summary>
    /// The row of each trial of the history, in the history's order. Afterwards the columns hold every trial of
    /// this history with its current configuration (and possibly trials of earlier histories that this one lacks).
    /// </summary>
    public double[][] Rows(TrialHistory history)
    {
        var trials = history.Trials;
        var rows = new double[trials.Count][];
        _cache.EnsureCapacity(trials.Count);
        for (var i = 0; i < trials.Count; i++)
        {
            var t = trials[i];
            var known = _cache.TryGetValue(t.Number, out var hit);
            if (known && ReferenceEquals(hit.Params, t.Params))
            {
                rows[i] = hit.Row;
                continue;
            }
            var row = Encode(t.Params);
            for (var d = 0; d < _dimensions.Count; d++)
            {
                if (_columns[d] is null) continue;
                if (known) _removed[d].Add((hit.Row[d], t.Number));
                _added[d].Add((row[d], t.Number));
            }
            _cache[t.Number] = (t.Params, row);
            rows[i] = row;
        }
        for (var d = 0; d < _dimensions.Count; d++)
        {
            if (_columns[d] is not { } column || (_removed[d].Count == 0 && _added[d].Count == 0)) continue;
            column.Apply(_removed[d], _added[d]);
            _removed[d].Clear();
            _added[d].Clear();
        }
        return rows;
    }

    /// <summary>The sorted values of a numeric parameter (by its index in the space).</summary>
    public SortedColumn Column(int spaceIndex) => _columns[spaceIndex] ?? throw new ArgumentException("not a numeric parameter");

    private double[] Encode(Configuration config)
    {
        var row = new double[_dimensions.Count];
        for (var d = 0; d < _dimensions.Count; d++)
            row[d] = config.TryGetValue(_dimensions[d].Parameter.Name, out var v) && v is not null ? _dimensions[d].Encode(v) : double.NaN;
        return row;
    }
}
