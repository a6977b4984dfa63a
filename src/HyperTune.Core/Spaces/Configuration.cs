using System.Collections;
using System.Text;

namespace HyperTune.Core.Spaces;

/// <summary>
/// An immutable assignment of values to the active parameters of a search space: one trial's configuration.
/// Entries are kept sorted by name, so equal configurations compare, hash and print the same way.
/// </summary>
public sealed class Configuration : IReadOnlyDictionary<string, object>, IEquatable<Configuration>
{
    // A sorted array (rather than a dictionary) keeps this trivially serializable and cheap to compare.
    private readonly KeyValuePair<string, object>[] _entries;

    /// <summary>The empty configuration.</summary>
    public static readonly Configuration Empty = new(Array.Empty<KeyValuePair<string, object>>());

    private Configuration(KeyValuePair<string, object>[] sortedEntries) => _entries = sortedEntries;

    /// <summary>Builds a configuration from name/value pairs (values are canonicalized: int to long, float to double).</summary>
    public static Configuration From(IEnumerable<KeyValuePair<string, object>> values)
    {
        var entries = values
            .Select(kv => new KeyValuePair<string, object>(kv.Key, ParameterValues.Canonical(kv.Value)))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .ToArray();
        for (var i = 1; i < entries.Length; i++)
            if (entries[i].Key == entries[i - 1].Key)
                throw new ArgumentException($"parameter '{entries[i].Key}' is given twice");
        return new Configuration(entries);
    }

    /// <summary>Builds a configuration from a dictionary.</summary>
    public static Configuration From(IReadOnlyDictionary<string, object> values) => From((IEnumerable<KeyValuePair<string, object>>)values);

    /// <summary>A copy with one value set (added or replaced).</summary>
    public Configuration With(string name, object value) =>
        From(_entries.Where(e => e.Key != name).Append(new KeyValuePair<string, object>(name, value)));

    /// <summary>A copy without the named parameter.</summary>
    public Configuration Without(string name) => new(_entries.Where(e => e.Key != name).ToArray());

    /// <inheritdoc />
    public object this[string key] => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"parameter '{key}' is not in this configuration");

    /// <inheritdoc />
    public IEnumerable<string> Keys => _entries.Select(e => e.Key);

    /// <inheritdoc />
    public IEnumerable<object> Values => _entries.Select(e => e.Value);

    /// <inheritdoc />
    public int Count => _entries.Length;

    /// <inheritdoc />
    public bool ContainsKey(string key) => Find(key) >= 0;

    /// <inheritdoc />
    public bool TryGetValue(string key, out object value)
    {
        var i = Find(key);
        value = i >= 0 ? _entries[i].Value : null!;
        return i >= 0;
    }

    /// <summary>The numeric value of a parameter (floats, ints and numeric choices).</summary>
    public double GetDouble(string key) => ParameterValues.ToDouble(this[key]);

    /// <summary>
    /// The entry at a position of the ordinal name order, for callers that walk a sorted list of names alongside
    /// (one pass instead of a binary search per name).
    /// </summary>
    internal KeyValuePair<string, object> EntryAt(int index) => _entries[index];

    private int Find(string key)
    {
        int lo = 0, hi = _entries.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >> 1;
            var c = string.CompareOrdinal(_entries[mid].Key, key);
            if (c == 0) return mid;
            if (c < 0) lo = mid + 1; else hi = mid - 1;
        }
        return -1;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object>>)_entries).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public bool Equals(Configuration? other)
    {
        if (other is null || other._entries.Length != _entries.Length) return false;
        for (var i = 0; i < _entries.Length; i++)
            if (_entries[i].Key != other._entries[i].Key || !ParameterValues.Equals(_entries[i].Value, other._entries[i].Value))
                return false;
        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Configuration);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var e in _entries)
        {
            h.Add(e.Key);
            h.Add(ParameterValues.GetHashCode(e.Value));
        }
        return h.ToHashCode();
    }

    /// <summary>Prints <c>name=value</c> pairs, e.g. <c>lr=0.01, depth=7</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var e in _entries)
        {
            if (sb.Length > 0) sb.Append(", ");
            sb.Append(e.Key).Append('=').Append(ParameterValues.Format(e.Value));
        }
        return sb.ToString();
    }
}
