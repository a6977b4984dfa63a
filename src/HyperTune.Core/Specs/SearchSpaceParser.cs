using System.Text.Json;
using HyperTune.Core.Spaces;

namespace HyperTune.Core.Specs;

/// <summary>
/// Reads a search space from JSON: either an array of parameter objects each with a <c>name</c>, or an object
/// mapping names to parameter objects. A parameter object has a <c>type</c> (<c>float</c>, <c>int</c>,
/// <c>categorical</c>) and its fields (<c>low</c>, <c>high</c>, <c>log</c>, <c>step</c> / <c>choices</c>), plus an
/// optional <c>condition</c> <c>{"parent": NAME, "values": [...]}</c>.
/// </summary>
public static class SearchSpaceParser
{
    /// <summary>Parses and validates a space found at <paramref name="path"/>.</summary>
    public static SearchSpace Parse(JsonElement element, string path)
    {
        var parameters = new List<Parameter>();
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    var itemPath = $"{path}[{i++}]";
                    var reader = new JsonSettings(item, itemPath);
                    parameters.Add(ParseParameter(reader, reader.RequireString("name")));
                }
                break;
            case JsonValueKind.Object:
                foreach (var prop in element.EnumerateObject())
                    parameters.Add(ParseParameter(new JsonSettings(prop.Value, $"{path}.{prop.Name}"), prop.Name));
                break;
            default:
                throw new SpecException(path, $"expected an array or object of parameters, got {JsonSettings.Describe(element)}");
        }
        if (parameters.Count == 0) throw new SpecException(path, "the search space has no parameters");
        try
        {
            return new SearchSpace(parameters);
        }
        catch (SearchSpaceException e)
        {
            throw new SpecException(path, e.Message);
        }
    }

    private static Parameter ParseParameter(JsonSettings r, string name)
    {
        var type = r.RequireString("type", "float", "int", "categorical");
        Parameter p;
        try
        {
            p = type switch
            {
                "float" => new FloatParameter(name, r.RequireDouble("low"), r.RequireDouble("high"), r.GetBool("log", false), r.GetOptionalDouble("step")),
                "int" => new IntParameter(name, r.RequireLong("low"), r.RequireLong("high"), r.GetBool("log", false), r.GetOptionalLong("step")),
                _ => new CategoricalParameter(name, ParseChoices(r)),
            };
        }
        catch (SearchSpaceException e)
        {
            throw new SpecException(r.Path, e.Message);
        }
        if (r.GetObject("condition") is { } c)
        {
            var parent = c.RequireString("parent");
            var values = c.GetArray("values") ?? throw new SpecException(c.PathOf("values"), "is required (an array of parent values)");
            p = p with { Condition = new ParameterCondition(parent, values.Select(v => ToValue(v.Element, v.Path)).ToArray()) };
            c.EnsureNoUnknownFields();
        }
        r.EnsureNoUnknownFields("name");
        // Domain checks (empty range, log bounds, ...) are the SearchSpace's; run them here to point at this path.
        try
        {
            _ = new SearchSpace(p with { Condition = null });
        }
        catch (SearchSpaceException e)
        {
            throw new SpecException(r.Path, e.Message);
        }
        return p;
    }

    private static IReadOnlyList<object> ParseChoices(JsonSettings r)
    {
        var choices = r.GetArray("choices") ?? throw new SpecException(r.PathOf("choices"), "is required (an array of strings, numbers or booleans)");
        if (choices.Count == 0) throw new SpecException(r.PathOf("choices"), "needs at least one choice");
        return choices.Select(c => ToValue(c.Element, c.Path)).ToArray();
    }

    /// <summary>Converts a JSON scalar to a parameter value (string, bool, long or double).</summary>
    public static object ToValue(JsonElement v, string path) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString()!,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number when v.TryGetInt64(out var l) => l,
        JsonValueKind.Number when v.TryGetDouble(out var d) && double.IsFinite(d) => d,
        _ => throw new SpecException(path, $"expected a string, number or boolean, got {JsonSettings.Describe(v)}"),
    };
}
