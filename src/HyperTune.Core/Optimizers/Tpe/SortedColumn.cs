namespace HyperTune.Core.Optimizers.Tpe;

/// <summary>
/// The values one parameter took in the encoded trials, kept sorted by (value, trial number), a total order, so
/// the sorted order of any subset of trials is read off by one walk instead of a sort per suggestion.
/// </summary>
internal sealed class SortedColumn
{
    // Below this many pending changes, entries are inserted and removed one by one; above, the column is rebuilt.
    private const int RebuildThreshold = 64;

    private double[] _values = new double[16];
    private int[] _numbers = new int[16];
    private int _count;

    /// <summary>How many trials have a value for the parameter.</summary>
    public int Count => _count;

    /// <summary>The sorted values.</summary>
    public ReadOnlySpan<double> Values => _values.AsSpan(0, _count);

    /// <summary>The trial numbers, in the order of <see cref="Values"/>.</summary>
    public ReadOnlySpan<int> Numbers => _numbers.AsSpan(0, _count);

    /// <summary>Applies removals and additions of (value, trial number) entries; NaN values are never stored.</summary>
    public void Apply(List<(double Value, int Number)> removed, List<(double Value, int Number)> added)
    {
        removed.RemoveAll(e => double.IsNaN(e.Value));
        added.RemoveAll(e => double.IsNaN(e.Value));
        if (removed.Count + added.Count > RebuildThreshold)
        {
            Rebuild(removed, added);
            return;
        }
        foreach (var e in removed)
        {
            var at = Find(e.Value, e.Number);
            if (at < 0) continue;
            Array.Copy(_values, at + 1, _values, at, _count - at - 1);
            Array.Copy(_numbers, at + 1, _numbers, at, _count - at - 1);
            _count--;
        }
        foreach (var e in added)
        {
            var at = Find(e.Value, e.Number);
            if (at >= 0) continue;
            at = ~at;
            EnsureCapacity(_count + 1);
            Array.Copy(_values, at, _values, at + 1, _count - at);
            Array.Copy(_numbers, at, _numbers, at + 1, _count - at);
            _values[at] = e.Value;
            _numbers[at] = e.Number;
            _count++;
        }
    }

    private void Rebuild(List<(double Value, int Number)> removed, List<(double Value, int Number)> added)
    {
        // Parallel arrays sort much faster than tuples (in linear time for large columns); ties (equal values) come
        // out in trial-number order.
        HashSet<(double, int)>? gone = removed.Count == 0 ? null : new HashSet<(double, int)>(removed);
        var values = new double[_count + added.Count];
        var numbers = new int[values.Length];
        var n = 0;
        for (var k = 0; k < _count; k++)
        {
            if (gone is not null && gone.Contains((_values[k], _numbers[k]))) continue;
            values[n] = _values[k];
            numbers[n++] = _numbers[k];
        }
        foreach (var e in added)
        {
            values[n] = e.Value;
            numbers[n++] = e.Number;
        }
        Load(values, numbers, n);
    }

    /// <summary>
    /// Replaces the column's entries by the first <paramref name="count"/> (value, trial number) pairs of the arrays,
    /// which it takes over; values must not be NaN.
    /// </summary>
    public void Load(double[] values, int[] numbers, int count)
    {
        DoubleKeySort.Sort(values, numbers, count);
        // Drop repeated pairs in place; the arrays become the column's storage.
        var kept = 0;
        for (var k = 0; k < count; k++)
        {
            if (kept > 0 && values[kept - 1] == values[k] && numbers[kept - 1] == numbers[k]) continue;
            values[kept] = values[k];
            numbers[kept] = numbers[k];
            kept++;
        }
        _values = values;
        _numbers = numbers;
        _count = kept;
    }

    /// <summary>Binary search by (value, number): the index, or the complement of the insertion point.</summary>
    private int Find(double value, int number)
    {
        int lo = 0, hi = _count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >> 1;
            var c = _values[mid].CompareTo(value);
            if (c == 0) c = _numbers[mid].CompareTo(number);
            if (c == 0) return mid;
            if (c < 0) lo = mid + 1; else hi = mid - 1;
        }
        return ~lo;
    }

    private void EnsureCapacity(int needed)
    {
        if (needed <= _values.Length) return;
        var size = Math.Max(needed, _values.Length * 2);
        Array.Resize(ref _values, size);
        Array.Resize(ref _numbers, size);
    }
}
