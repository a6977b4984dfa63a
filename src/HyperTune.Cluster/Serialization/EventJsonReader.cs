using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.Serialization;
using System.Text.Json;
using HyperTune.Core.Spaces;

namespace HyperTune.Cluster.Serialization;

/// <summary>
/// Reads the fields <see cref="EventJsonWriter"/> wrote. A field that is missing or of the wrong kind is a
/// <see cref="SerializationException"/> naming the manifest and the field; fields it does not ask for are ignored.
/// </summary>
public sealed class EventJsonReader
{
    private readonly JsonElement _event;
    private readonly string _manifest;

    internal EventJsonReader(JsonElement @event, string manifest)
    {
        _event = @event;
        _manifest = manifest;
    }

    /// <summary>Reads a string field.</summary>
    public string String(string name) => Read(name, JsonValueKind.String, v => v.GetString()!);

    /// <summary>Reads an int field.</summary>
    public int Int(string name) => Read(name, JsonValueKind.Number, v => v.GetInt32());

    /// <summary>Reads a long field.</summary>
    public long Long(string name) => Read(name, JsonValueKind.Number, v => v.GetInt64());

    /// <summary>Reads a long field written by <see cref="EventJsonWriter.OptionalLong"/>: null when absent.</summary>
    public long? OptionalLong(string name) => _event.TryGetProperty(name, out _) ? Long(name) : null;

    /// <summary>Reads a string field written by <see cref="EventJsonWriter.OptionalString"/>: null when absent.</summary>
    public string? OptionalString(string name) => _event.TryGetProperty(name, out _) ? String(name) : null;

    /// <summary>Reads a bool field.</summary>
    public bool Bool(string name)
    {
        var v = Field(name);
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Bad(name, "a boolean", v),
        };
    }

    /// <summary>Reads a double field.</summary>
    public double Double(string name) => ToDouble(Field(name), name);

    /// <summary>Reads a time with its offset.</summary>
    public DateTimeOffset Time(string name) => Read(name, JsonValueKind.String, v =>
        DateTimeOffset.ParseExact(v.GetString()!, "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));

    /// <summary>Reads a string-to-string map.</summary>
    public ImmutableDictionary<string, string> Strings(string name) => Read(name, JsonValueKind.Object, v =>
        v.EnumerateObject().ToImmutableDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String
            ? p.Value.GetString()!
            : throw Bad($"{name}.{p.Name}", "a string", p.Value)));

    /// <summary>Reads a string-to-double map.</summary>
    public ImmutableDictionary<string, double> Doubles(string name) => Read(name, JsonValueKind.Object, v =>
        v.EnumerateObject().ToImmutableDictionary(p => p.Name, p => ToDouble(p.Value, $"{name}.{p.Name}")));

    /// <summary>Reads a configuration written by <see cref="EventJsonWriter.Params"/>, each value in its kind.
    /// </summary>
    public Configuration Params(string name) => Read(name, JsonValueKind.Object, v =>
        Configuration.From(v.EnumerateObject().Select(p => new KeyValuePair<string, object>(p.Name, Param(p, name)))));

    private object Param(JsonProperty p, string name)
    {
        var path = $"{name}.{p.Name}";
        if (p.Value.ValueKind != JsonValueKind.Object) throw Bad(path, "an object", p.Value);
        var tagged = p.Value.EnumerateObject().ToList();
        if (tagged.Count != 1) throw Bad(path, "one kind (double, long, string or bool)", p.Value);
        var (kind, value) = (tagged[0].Name, tagged[0].Value);
        return kind switch
        {
            "double" => ToDouble(value, path),
            "long" when value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var l) => l,
            "string" when value.ValueKind == JsonValueKind.String => value.GetString()!,
            "bool" when value.ValueKind is JsonValueKind.True or JsonValueKind.False => value.GetBoolean(),
            _ => throw Bad(path, "a double, long, string or bool", p.Value),
        };
    }

    private double ToDouble(JsonElement v, string path) => v.ValueKind switch
    {
        JsonValueKind.Number => v.GetDouble(),
        JsonValueKind.String when v.GetString() == "NaN" => double.NaN,
        JsonValueKind.String when v.GetString() == "Infinity" => double.PositiveInfinity,
        JsonValueKind.String when v.GetString() == "-Infinity" => double.NegativeInfinity,
        _ => throw Bad(path, "a number", v),
    };

    private T Read<T>(string name, JsonValueKind kind, Func<JsonElement, T> read)
    {
        var v = Field(name);
        if (v.ValueKind != kind) throw Bad(name, $"a {kind.ToString().ToLowerInvariant()}", v);
        try
        {
            return read(v);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException)
        {
            throw new SerializationException($"study event '{_manifest}': field '{name}': {e.Message}", e);
        }
    }

    private JsonElement Field(string name) => _event.TryGetProperty(name, out var v)
        ? v
        : throw new SerializationException($"study event '{_manifest}' lacks the field '{name}'");

    private SerializationException Bad(string path, string expected, JsonElement got) =>
        new($"study event '{_manifest}': field '{path}' should be {expected}, " +
            $"not {got.ValueKind.ToString().ToLowerInvariant()}");
}
