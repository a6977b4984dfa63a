using System.Text.Json;
using HyperTune.Core.Spaces;

namespace HyperTune.Core.Specs;

/// <summary>Reads a configuration a spec gives as a JSON object, checked against the space.</summary>
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
            if (!space.Contains(property.Name))
            {
                var names = space.Parameters.Select(p => p.Name);
                throw new SpecException(at,
                    $"is not a parameter of the space{JsonSettings.Suggest(property.Name, names)}");
            }
            try
            {
                values[property.Name] = space[property.Name].Coerce(SearchSpaceParser.ToValue(property.Value, at));
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException
                                          or SearchSpaceException)
            {
                throw new SpecException(at, e.Message);
            }
        }
        var problems = space.Check(values);
        if (problems.Count > 0) throw new SpecException(path, string.Join("; ", problems));
        return Configuration.From(values);
    }
}
