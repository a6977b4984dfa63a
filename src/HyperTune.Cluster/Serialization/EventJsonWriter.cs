using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using HyperTune.Core.Spaces;

namespace HyperTune.Cluster.Serialization;

/// <summary>
/// Writes one study event's fields as a JSON object, each value in an explicit, lossless form: doubles in their
/// shortest round-trip text (non-finite ones as the strings <c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c>), times
/// as ISO 8601 with their offset and every tick, parameter values tagged with their kind.
/// </summary>
public sealed class EventJsonWriter
{
    private readonly Utf8JsonWriter _json;

    internal EventJsonWriter(Utf8JsonWriter json) => _json = json;

    /// <summary>Writes a string field.</summary>
    public EventJsonWriter String(string name, string value)
    {
        _json.WriteString(name, value);
        return this;
    }

    /// <summary>Writes an int field.</summary>
    public EventJsonWriter Int(string name, int value)
    {
        _json.WriteNumber(name, value);
        return this;
    }

    /// <summary>Writes a long field.</summary>
    public EventJsonWriter Long(string name, long value)
    {
        _json.WriteNumber(name, value);
        return this;
    }

    /// <summary>Writes a long field, or nothing when the value is null (read back with a default).</summary>
    public EventJsonWriter OptionalLong(string name, long? value) => value is { } v ? Long(name, v) : this;

    /// <summary>Writes a string field when it has a value (an absent field reads back as null).</summary>
    public EventJsonWriter OptionalString(string name, string? value) => value is { } v ? String(name, v) : this;

    /// <summary>Writes a bool field.</summary>
    public EventJsonWriter Bool(string name, bool value)
    {
        _json.WriteBoolean(name, value);
        return this;
    }

    /// <summary>Writes a double field, bit-exact (NaN payloads aside).</summary>
    public EventJsonWriter Double(string name, double value)
    {
        _json.WritePropertyName(name);
        WriteDouble(value);
        return this;
    }

    /// <summary>Writes a time with its offset, to the tick.</summary>
    public EventJsonWriter Time(string name, DateTimeOffset value)
    {
        _json.WriteString(name, value.ToString("O", CultureInfo.InvariantCulture));
        return this;
    }

    /// <summary>Writes a string-to-string map.</summary>
    public EventJsonWriter Strings(string name, IReadOnlyDictionary<string, string> values)
    {
        _json.WriteStartObject(name);
        foreach (var (key, value) in values.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            _json.WriteString(key, value);
        _json.WriteEndObject();
        return this;
    }

    /// <summary>Writes a string-to-double map.</summary>
    public EventJsonWriter Doubles(string name, IReadOnlyDictionary<string, double> values)
    {
        _json.WriteStartObject(name);
        foreach (var (key, value) in values.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            _json.WritePropertyName(key);
            WriteDouble(value);
        }
        _json.WriteEndObject();
        return this;
    }

    /// <summary>
    /// Writes a configuration as <c>{"name": {"KIND": value}}</c> with KIND one of <c>double</c>, <c>long</c>,
    /// <c>string</c>, <c>bool</c>: the kind is kept because 3 and 3.0 are different choices to the user.
    /// </summary>
    public EventJsonWriter Params(string name, Configuration values)
    {
        _json.WriteStartObject(name);
        foreach (var (key, value) in values)
        {
            _json.WriteStartObject(key);
            switch (value)
            {
                case double d:
                    _json.WritePropertyName("double");
                    WriteDouble(d);
                    break;
                case long l:
                    _json.WriteNumber("long", l);
                    break;
                case string s:
                    _json.WriteString("string", s);
                    break;
                case bool b:
                    _json.WriteBoolean("bool", b);
                    break;
                default:
                    throw new ArgumentException(
                        $"parameter '{key}' has a value of type {value?.GetType().Name ?? "null"}, which the study " +
                        "event format cannot store (double, long, string or bool)");
            }
            _json.WriteEndObject();
        }
        _json.WriteEndObject();
        return this;
    }

    private void WriteDouble(double value)
    {
        if (double.IsFinite(value)) _json.WriteNumberValue(value);
        else _json.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
    }
}
