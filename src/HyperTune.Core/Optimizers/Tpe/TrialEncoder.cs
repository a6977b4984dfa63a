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
    private readonly TpeDimension[] _dimensions;
    // The dimensions in the ordinal order of their names, the order a configuration keeps its entries in.
    private readonly string[] _sortedNames;
    private readonly int[] _dimensionOfSorted;
    // The cache, indexed by trial number (numbers are dense from 0); a fresh optimizer fills it for the whole history.
    private Configuration?[] _cachedParams = Array.Empty<Configuration?>();
    private double[]?[] _cachedRows = Array.Empty<double[]?>();
    private readonly SortedColumn?[] _columns;
    private readonly List<(double, int)>[] _removed;
    private readonly List<(double, int)>[] _added;

    public TrialEncoder(IReadOnlyList<TpeDimension> dimensions)
    {
        _dimensions = dimensions.ToArray();
        _dimensionOfSorted = Enumerable.Range(0, dimensions.Count)
            .OrderBy(d => dimensions[d].Parameter.Name, StringComparer.Ordinal).ToArray();
        _sortedNames = _dimensionOfSorted.Select(d => dimensions[d].Parameter.Name).ToArray();
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
        if (_cachedRows.Length == 0) return FirstRows(trials, rows);
        // Indices (into the history) of the trials encoded now; usually the few that are new since the last call.
        var encoded = new List<int>();
        for (var i = 0; i < trials.Count; i++)
        {
            var t = trials[i];
            var number = CheckedNumber(t);
            var cached = number < _cachedRows.Length ? _cachedRows[number] : null;
            if (cached is not null && ReferenceEquals(_cachedParams[number], t.Params))
            {
                rows[i] = cached;
                continue;
            }
            var row = Encode(t.Params);
            if (cached is not null)
                for (var d = 0; d < _dimensions.Length; d++)
                    if (_columns[d] is not null) _removed[d].Add((cached[d], number));
            Cache(number, t.Params, row, trials.Count);
            rows[i] = row;
            encoded.Add(i);
        }
        if (encoded.Count == 0) return rows;
        for (var d = 0; d < _dimensions.Length; d++)
        {
            if (_columns[d] is not { } column) continue;
            foreach (var i in encoded) _added[d].Add((rows[i][d], trials[i].Number));
            column.Apply(_removed[d], _added[d]);
            _removed[d].Clear();
            _added[d].Clear();
        }
        return rows;
    }

    /// <summary>
    /// The first call (a new optimizer, say a recovered coordinator's): every trial is encoded, and each column is
    /// gathered while its row is at hand and loaded with one sort.
    /// </summary>
    private double[][] FirstRows(IReadOnlyList<TrialRecord> trials, double[][] rows)
    {
        var values = new double[_dimensions.Length][];
        var numbers = new int[_dimensions.Length][];
        var counts = new int[_dimensions.Length];
        for (var d = 0; d < _dimensions.Length; d++)
        {
            if (_columns[d] is null) continue;
            values[d] = new double[trials.Count];
            numbers[d] = new int[trials.Count];
        }
        for (var i = 0; i < trials.Count; i++)
        {
            var t = trials[i];
            var number = CheckedNumber(t);
            var row = Encode(t.Params);
            for (var d = 0; d < _dimensions.Length; d++)
            {
                if (_columns[d] is null || double.IsNaN(row[d])) continue;
                values[d][counts[d]] = row[d];
                numbers[d][counts[d]++] = number;
            }
            Cache(number, t.Params, row, trials.Count);
            rows[i] = row;
        }
        for (var d = 0; d < _dimensions.Length; d++)
            _columns[d]?.Load(values[d], numbers[d], counts[d]);
        return rows;
    }

    private static int CheckedNumber(TrialRecord trial) =>
        trial.Number >= 0 ? trial.Number : throw new ArgumentException($"trial number {trial.Number} is negative; trial numbers are 0-based");

    private void Cache(int number, Configuration config, double[] row, int expected)
    {
        if (number >= _cachedRows.Length)
        {
            var size = Math.Max(Math.Max(number + 1, expected), _cachedRows.Length * 2);
            Array.Resize(ref _cachedParams, size);
            Array.Resize(ref _cachedRows, size);
        }
        _cachedParams[number] = config;
        _cachedRows[number] = row;
    }

    /// <summary>The sorted values of a numeric parameter (by its index in the space).</summary>
    public SortedColumn Column(int spaceIndex) => _columns[spaceIndex] ?? throw new ArgumentException("not a numeric parameter");

    private double[] Encode(Configuration config)
    {
        var row = new double[_dimensions.Length];
        Array.Fill(row, double.NaN);
        // Both lists are in ordinal name order: one merge walk finds every parameter the configuration has.
        int e = 0, k = 0;
        while (e < config.Count && k < _sortedNames.Length)
        {
            var entry = config.EntryAt(e);
            var c = string.CompareOrdinal(entry.Key, _sortedNames[k]);
            if (c < 0) { e++; continue; }
            if (c > 0) { k++; continue; }
            var d = _dimensionOfSorted[k];
            if (entry.Value is not null) row[d] = _dimensions[d].Encode(entry.Value);
            e++;
            k++;
        }
        return row;
    }
}
