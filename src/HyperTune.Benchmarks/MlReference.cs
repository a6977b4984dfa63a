using System.Text.Json;

namespace HyperTune.Benchmarks;

/// <summary>
/// scikit-learn's and Optuna's figures for tuning a gradient-boosted model with 5-fold cross-validation, refit and a
/// test score on the bundled data sets (<c>Reference/sklearn_reference.json</c>, embedded, or a file).
/// </summary>
public sealed class MlReference
{
    private const string EmbeddedResource = "HyperTune.Benchmarks.Reference.sklearn_reference.json";

    private MlReference(string source, IReadOnlyDictionary<string, IReadOnlyList<MlReferenceSearch>> searches)
    {
        Source = source;
        Searches = searches;
    }

    /// <summary>Where the figures come from.</summary>
    public string Source { get; }

    /// <summary>The searches per data set.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<MlReferenceSearch>> Searches { get; }

    /// <summary>The embedded figures.</summary>
    public static MlReference Embedded()
    {
        using var stream = typeof(MlReference).Assembly.GetManifestResourceStream(EmbeddedResource)
            ?? throw new InvalidOperationException($"resource {EmbeddedResource} is missing from the build");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), "sklearn_reference.json (embedded)");
    }

    /// <summary>Figures from a file written by <c>sklearn_reference.py</c>.</summary>
    /// <exception cref="FormatException">The file is not in that shape.</exception>
    public static MlReference Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Figures from the text of such a file.</summary>
    /// <exception cref="FormatException">The text is not in that shape.</exception>
    public static MlReference Parse(string json, string source)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var results = new Dictionary<string, IReadOnlyList<MlReferenceSearch>>(StringComparer.Ordinal);
            foreach (var data in doc.RootElement.GetProperty("results").EnumerateObject())
                results[data.Name] = data.Value.EnumerateObject().Select(s => new MlReferenceSearch(s.Name,
                    s.Value.GetProperty("metric").GetString()!, s.Value.GetProperty("median_cv").GetDouble(),
                    s.Value.GetProperty("median_test").GetDouble(), s.Value.GetProperty("median_secs").GetDouble())).ToList();
            return new MlReference(source, results);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"{source}: not a sklearn_reference.py result ({e.Message})");
        }
    }
}
