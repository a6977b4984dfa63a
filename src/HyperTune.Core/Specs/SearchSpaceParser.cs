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
    /// <summary>Parses and validates a space found at <paramref name="path"/>, within the default limits.</summary>
    public static SearchSpace Parse(JsonElement element, string path) => Parse(element, path, SpecLimits.Default);

    /// <summary>
    /// Parses and validates a space found at <paramref name="path"/>. Sizes are checked against
    /// <paramref name="limits"/> before the elements they count are converted, and every check is linear.
    /// </summary>
    public static SearchSpace Parse(JsonElement element, string path, SpecLimits limits)
    {
        var parameters = new List<Parameter>();
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                CheckParameterCount(element.GetArrayLength(), path, limits);
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    var itemPath = $"{path}[{i++}]";
                    var reader = new JsonSettings(item, itemPath);
                    parameters.Add(ParseParameter(reader, reader.RequireString("name"), limits));
                }
                break;
            case JsonValueKind.Object:
                CheckParameterCount(element.EnumerateObject().Count(), path, limits);
                foreach (var prop in element.EnumerateObject())
                {
                    var reader = new JsonSettings(prop.Value, $"{path}.{prop.Name}");
                    parameters.Add(ParseParameter(reader, prop.Name, limits));
                }
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

    private static void CheckParameterCount(int count, string path, SpecLimits limits)
    {
        if (count > limits.MaxParameters)
            throw new SpecException(path, $"has {count} parameters, more than the limit of {limits.MaxParameters} " +
                                          "(hypertune.limits.max-parameters)");
    }

    private static Parameter ParseParameter(JsonSettings r, string name, SpecLimits limits)
    {
        var type = r.RequireString("type", "float", "int", "categorical");
        Parameter p;
        try
        {
            p = type switch
            {
                "float" => new FloatParameter(name, r.RequireDouble("low"), r.RequireDouble("high"), r.GetBool("log", false), r.GetOptionalDouble("step")),
                "int" => new IntParameter(name, r.RequireLong("low"), r.RequireLong("high"), r.GetBool("log", false), r.GetOptionalLong("step")),
                _ => new CategoricalParameter(name, ParseChoices(r, limits)),
            };
        }
        catch (SearchSpaceException e)
        {
            throw new SpecException(r.Path, e.Message);
        }
        if (r.GetObject("condition") is { } c)
        {
            var parent = c.RequireString("parent");
            var valuesPath = c.PathOf("values");
            var valuesElement = c.GetElement("values")
                                ?? throw new SpecException(valuesPath, "is required (an array of parent values)");
            var values = ParseValues(valuesElement, valuesPath, limits, "condition values");
            p = p with { Condition = new ParameterCondition(parent, values) };
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

    private static IReadOnlyList<object> ParseChoices(JsonSettings r, SpecLimits limits)
    {
        var path = r.PathOf("choices");
        var element = r.GetElement("choices")
                      ?? throw new SpecException(path, "is required (an array of strings, numbers or booleans)");
        var choices = ParseValues(element, path, limits, "choices");
        if (choices.Length == 0) throw new SpecException(path, "needs at least one choice");
        return choices;
    }

    // Counts the array before converting anything, so a huge list is refused without being copied.
    private static object[] ParseValues(JsonElement element, string path, SpecLimits limits, string what)
    {
        if (element.ValueKind != JsonValueKind.Array)
            throw new SpecException(path, $"expected an array, got {JsonSettings.Describe(element)}");
        var count = element.GetArrayLength();
        if (count > limits.MaxCategoricalChoices)
            throw new SpecException(path, $"has {count} {what}, more than the limit of " +
                                          $"{limits.MaxCategoricalChoices} (hypertune.limits.max-categorical-choices)");
        var values = new object[count];
        var i = 0;
        foreach (var item in element.EnumerateArray())
        {
            var value = ToValue(item, $"{path}[{i}]");
            if (value is string text && text.Length > limits.MaxChoiceLength)
                throw new SpecException($"{path}[{i}]",
                    $"is {text.Length} characters long, more than the limit of {limits.MaxChoiceLength} " +
                    "(hypertune.limits.max-choice-length)");
            values[i++] = value;
        }
        return values;
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
