using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using HyperTune.Core.Spaces;

namespace HyperTune.Cluster.Tests.Serialization;

/// <summary>
/// An exact text of a value for comparisons: doubles by their bits, numbers with their kind (3 is not 3.0),
/// times with their offset to the tick, dictionaries sorted, records by every public property. Records compare
/// collections by reference and <see cref="Configuration"/> compares 3 equal to 3.0, so neither will do here.
/// </summary>
public static class EventText
{
    /// <summary>The exact text of <paramref name="value"/>, its type name included.</summary>
    public static string Describe(object? value) => Append(new StringBuilder(), value, withTypeName: true).ToString();

    /// <summary>The exact text of a record's properties, without its type's name.</summary>
    public static string Fields(object value) => Append(new StringBuilder(), value, withTypeName: false).ToString();

    private static StringBuilder Append(StringBuilder sb, object? value, bool withTypeName)
    {
        switch (value)
        {
            case null: return sb.Append("null");
            case double d:
                return sb.Append("double:").Append(d.ToString("R", CultureInfo.InvariantCulture))
                    .Append('#')
                    .Append(BitConverter.DoubleToInt64Bits(d).ToString("X16", CultureInfo.InvariantCulture));
            case long l: return sb.Append("long:").Append(l);
            case int i: return sb.Append("int:").Append(i);
            case bool b: return sb.Append(b ? "true" : "false");
            case string s: return sb.Append(System.Text.Json.JsonSerializer.Serialize(s));
            case DateTimeOffset t: return sb.Append(t.ToString("O", CultureInfo.InvariantCulture));
            case Enum e: return sb.Append(e.GetType().Name).Append('.').Append(e);
            case Configuration c: return Entries(sb, c.Select(kv => (kv.Key, (object?)kv.Value)));
            case IDictionary map:
                // Immutable dictionaries enumerate key-value pairs, not DictionaryEntry: go through the keys.
                return Entries(sb, map.Keys.Cast<object>()
                    .Select(key => (Convert.ToString(key, CultureInfo.InvariantCulture)!, map[key]))
                    .OrderBy(kv => kv.Item1, StringComparer.Ordinal));
            case IEnumerable list:
                sb.Append('[');
                foreach (var item in list) Append(sb, item, withTypeName: true).Append(", ");
                return sb.Append(']');
        }
        if (withTypeName) sb.Append(value.GetType().Name);
        sb.Append('(');
        foreach (var p in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetIndexParameters().Length > 0) continue;
            sb.Append(p.Name).Append('=');
            Append(sb, p.GetValue(value), withTypeName: true).Append(", ");
        }
        return sb.Append(')');
    }

    private static StringBuilder Entries(StringBuilder sb, IEnumerable<(string Key, object? Value)> entries)
    {
        sb.Append('{');
        foreach (var (key, value) in entries)
            Append(sb.Append(key).Append('='), value, withTypeName: true).Append(", ");
        return sb.Append('}');
    }
}
