using System.Globalization;
using System.Text.Json;

namespace HyperTune.Core.Specs;

/// <summary>
/// Reads one JSON object of a spec with typed, validated getters, and remembers which fields were read so that
/// <see cref="EnsureNoUnknownFields"/> can reject a misspelt field instead of silently ignoring it. Every error is
/// a <see cref="SpecException"/> naming the field.
/// </summary>
public sealed class JsonSettings
{
    private readonly JsonElement _element;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    /// <summary>Wraps a JSON object found at <paramref name="path"/>.</summary>
    public JsonSettings(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object) throw new SpecException(path, $"expected an object, got {Describe(element)}");
        _element = element.Clone();
        Path = path;
    }

    /// <summary>Settings with no fields (every getter returns its default).</summary>
    public static JsonSettings Empty(string path) => new(JsonDocument.Parse("{}").RootElement, path);

    /// <summary>Parses a JSON object text.</summary>
    public static JsonSettings Parse(string json, string path = "")
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return new JsonSettings(doc.RootElement, path);
        }
        catch (JsonException e)
        {
            throw new SpecException(path, $"invalid JSON at line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}: {e.Message.Split(" Path:")[0]}");
        }
    }

    /// <summary>Where this object sits in the spec.</summary>
    public string Path { get; }

    /// <summary>The raw JSON object.</summary>
    public JsonElement Element => _element;

    /// <summary>The field names present.</summary>
    public IEnumerable<string> FieldNames => _element.EnumerateObject().Select(p => p.Name);

    /// <summary>The path of a field of this object.</summary>
    public string PathOf(string name) => Path.Length == 0 ? name : $"{Path}.{name}";

    /// <summary>True when the field is present and not null.</summary>
    public bool Has(string name) => _element.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    /// <summary>The raw value of a field (marking it read), or null when absent or null.</summary>
    public JsonElement? GetElement(string name)
    {
        _read.Add(name);
        return _element.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;
    }

    /// <summary>A number, with optional inclusive bounds.</summary>
    public double GetDouble(string name, double defaultValue, double? min = null, double? max = null) =>
        GetOptionalDouble(name, min, max) ?? defaultValue;

    /// <summary>A number or null when absent, with optional inclusive bounds.</summary>
    public double? GetOptionalDouble(string name, double? min = null, double? max = null)
    {
        if (GetElement(name) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var d) || !double.IsFinite(d))
            throw new SpecException(PathOf(name), $"expected a number, got {Describe(v)}");
        CheckRange(name, d, min, max);
        return d;
    }

    /// <summary>A number that must be present.</summary>
    public double RequireDouble(string name, double? min = null, double? max = null) =>
        GetOptionalDouble(name, min, max) ?? throw Missing(name, "a number");

    /// <summary>An integer, with optional inclusive bounds.</summary>
    public int GetInt(string name, int defaultValue, int? min = null, int? max = null) =>
        (int)(GetOptionalLong(name, min, max) ?? defaultValue);

    /// <summary>An integer or null when absent.</summary>
    public long? GetOptionalLong(string name, long? min = null, long? max = null)
    {
        if (GetElement(name) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var l))
            throw new SpecException(PathOf(name), $"expected an integer, got {Describe(v)}");
        CheckRange(name, l, min, max);
        return l;
    }

    /// <summary>An integer that must be present.</summary>
    public long RequireLong(string name, long? min = null, long? max = null) =>
        GetOptionalLong(name, min, max) ?? throw Missing(name, "an integer");

    /// <summary>A boolean.</summary>
    public bool GetBool(string name, bool defaultValue)
    {
        if (GetElement(name) is not { } v) return defaultValue;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new SpecException(PathOf(name), $"expected true or false, got {Describe(v)}"),
        };
    }

    /// <summary>A string, optionally one of <paramref name="allowed"/> (compared case-insensitively, returned as listed).</summary>
    public string GetString(string name, string defaultValue, params string[] allowed) =>
        GetOptionalString(name, allowed) ?? defaultValue;

    /// <summary>A string or null when absent, optionally one of <paramref name="allowed"/>.</summary>
    public string? GetOptionalString(string name, params string[] allowed)
    {
        if (GetElement(name) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.String) throw new SpecException(PathOf(name), $"expected a string, got {Describe(v)}");
        var s = v.GetString()!;
        if (allowed.Length == 0) return s;
        var match = allowed.FirstOrDefault(a => string.Equals(a, s, StringComparison.OrdinalIgnoreCase));
        return match ?? throw new SpecException(PathOf(name), $"'{s}' is not one of: {string.Join(", ", allowed)}{Suggest(s, allowed)}");
    }

    /// <summary>A string that must be present and non-empty.</summary>
    public string RequireString(string name, params string[] allowed)
    {
        var s = GetOptionalString(name, allowed) ?? throw Missing(name, "a string");
        if (s.Length == 0) throw new SpecException(PathOf(name), "must not be empty");
        return s;
    }

    /// <summary>
    /// A duration: a number of seconds, or text such as <c>"90s"</c>, <c>"5m"</c>, <c>"2h"</c>, <c>"1d"</c>,
    /// <c>"250ms"</c> or <c>"00:05:00"</c>. Must be positive.
    /// </summary>
    public TimeSpan? GetDuration(string name)
    {
        if (GetElement(name) is not { } v) return null;
        TimeSpan? result = v.ValueKind switch
        {
            JsonValueKind.Number when v.TryGetDouble(out var secs) && double.IsFinite(secs) => TimeSpan.FromSeconds(secs),
            JsonValueKind.String => ParseDuration(v.GetString()!),
            _ => null,
        };
        if (result is not { } d) throw new SpecException(PathOf(name), $"expected a duration such as 30, \"90s\", \"5m\", \"2h\" or \"00:05:00\", got {Describe(v)}");
        if (d <= TimeSpan.Zero) throw new SpecException(PathOf(name), "must be a positive duration");
        return d;
    }

    /// <summary>Parses the duration texts <see cref="GetDuration"/> accepts; null when not a duration.</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        text = text.Trim();
        if (TimeSpan.TryParseExact(text, @"hh\:mm\:ss", CultureInfo.InvariantCulture, out var ts)) return ts;
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out ts) && text.Contains(':')) return ts;
        (string suffix, double factor)[] units = { ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400) };
        foreach (var (suffix, factor) in units)
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) &&
                double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n))
                return TimeSpan.FromSeconds(n * factor);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var secs) ? TimeSpan.FromSeconds(secs) : null;
    }

    /// <summary>A nested object, or null when absent.</summary>
    public JsonSettings? GetObject(string name) => GetElement(name) is { } v ? new JsonSettings(v, PathOf(name)) : null;

    /// <summary>A nested object that must be present.</summary>
    public JsonSettings RequireObject(string name) => GetObject(name) ?? throw Missing(name, "an object");

    /// <summary>An array (elements with their paths), or null when absent.</summary>
    public IReadOnlyList<(JsonElement Element, string Path)>? GetArray(string name)
    {
        if (GetElement(name) is not { } v) return null;
        if (v.ValueKind != JsonValueKind.Array) throw new SpecException(PathOf(name), $"expected an array, got {Describe(v)}");
        return v.EnumerateArray().Select((e, i) => (e.Clone(), $"{PathOf(name)}[{i}]")).ToList();
    }

    /// <summary>Rejects every field that no getter asked for, naming it and suggesting the closest known field.</summary>
    public void EnsureNoUnknownFields(params string[] alsoKnown)
    {
        foreach (var p in _element.EnumerateObject())
        {
            if (_read.Contains(p.Name) || alsoKnown.Contains(p.Name)) continue;
            throw new SpecException(PathOf(p.Name), $"unknown field{Suggest(p.Name, _read.Concat(alsoKnown).ToArray())}");
        }
    }

    /// <summary>A short description of a JSON value for error messages.</summary>
    public static string Describe(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => $"\"{v.GetString()}\"",
        JsonValueKind.Number => v.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => v.ValueKind.ToString(),
    };

    private SpecException Missing(string name, string what)
    {
        // A misspelt required field shows up as "missing": point at the field that was probably meant.
        var near = FieldNames.Where(f => !_read.Contains(f) && JsonSettings.Suggest(f, new[] { name }).Length > 0).FirstOrDefault();
        return near is null
            ? new(PathOf(name), $"is required ({what})")
            : new(PathOf(near), $"unknown field; did you mean '{name}'? ({PathOf(name)} is required: {what})");
    }

    private void CheckRange(string name, double value, double? min, double? max)
    {
        if (min is { } lo && value < lo) throw new SpecException(PathOf(name), $"must be at least {lo.ToString(CultureInfo.InvariantCulture)}, got {value.ToString(CultureInfo.InvariantCulture)}");
        if (max is { } hi && value > hi) throw new SpecException(PathOf(name), $"must be at most {hi.ToString(CultureInfo.InvariantCulture)}, got {value.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>"; did you mean 'x'?" when a known name is close to <paramref name="given"/>, else empty.</summary>
    public static string Suggest(string given, IEnumerable<string> known)
    {
        var best = known
            .Select(k => (k, d: EditDistance(given.ToLowerInvariant(), k.ToLowerInvariant())))
            .Where(x => x.d <= Math.Max(2, x.k.Length / 3))
            .OrderBy(x => x.d)
            .FirstOrDefault();
        return best.k is null ? "" : $"; did you mean '{best.k}'?";
    }

    private static int EditDistance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) prev[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
