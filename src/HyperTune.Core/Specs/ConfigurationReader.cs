using System.Text.Json;
using HyperTune.Core.Spaces;

namespace HyperTune.Core.Specs;

/// <summary>Reads configurations and parameter values a spec gives as JSON, checked against the space.</summary>
public static class ConfigurationReader
{
    /// <summary>A complete configuration of <paramref name="space"/>: every active parameter, legal values.</summary>
    /// <exception cref="SpecException">
    /// Not an object, an unknown parameter, a bad value, or an incomplete one.
    /// </exception>
    public static Configuration Read(JsonElement element, string path, SearchSpace space)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new SpecException(path,
                $"expected a configuration (an object), got {JsonSettings.Describe(element)}");
        var values = new Dictionary<string, object>();
        foreach (var property in element.EnumerateObject())
        {
            var at = $"{path}.{property.Name}";
            values[property.Name] = ReadValue(RequireParameter(space, property.Name, at), property.Value, at);
        }
        var problems = space.Check(values);
        if (problems.Count > 0) throw new SpecException(path, string.Join("; ", problems));
        return Configuration.From(values);
    }

    /// <summary>
    /// Configurations given as JSON text: one object, or an array of objects (at least one), each complete and legal.
    /// </summary>
    /// <exception cref="SpecException">Not JSON, an empty array, or a configuration outside the space.</exception>
    public static IReadOnlyList<Configuration> ReadMany(string json, string path, SearchSpace space)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new SpecException(path, $"is not valid JSON: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            var configurations = root.ValueKind == JsonValueKind.Array
                ? root.EnumerateArray().Select((c, i) => Read(c, $"{path}[{i}]", space)).ToList()
                : new List<Configuration> { Read(root, path, space) };
            if (configurations.Count == 0) throw new SpecException(path, "is an empty list");
            return configurations;
        }
    }

    /// <summary>The parameter of <paramref name="space"/> named <paramref name="name"/>.</summary>
    /// <exception cref="SpecException">No such parameter (the closest names suggested).</exception>
    public static Parameter RequireParameter(SearchSpace space, string name, string path)
    {
        if (space.Contains(name)) return space[name];
        var names = space.Parameters.Select(p => p.Name);
        throw new SpecException(path, $"is not a parameter of the space{JsonSettings.Suggest(name, names)}");
    }

    /// <summary>A legal value of <paramref name="parameter"/>, in its representation.</summary>
    /// <exception cref="SpecException">The JSON value is not one of the parameter's values.</exception>
    public static object ReadValue(Parameter parameter, JsonElement element, string path)
    {
        object value;
        try
        {
            value = parameter.Coerce(SearchSpaceParser.ToValue(element, path));
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException
                                      or SearchSpaceException)
        {
            throw new SpecException(path,
                $"is not a value of '{parameter.Name}' ({parameter.Describe()}): {e.Message}");
        }
        if (!parameter.Contains(value))
            throw new SpecException(path, $"is not a value of '{parameter.Name}' ({parameter.Describe()})");
        return value;
    }
}
