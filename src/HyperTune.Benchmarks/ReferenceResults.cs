using System.Text.Json;

namespace HyperTune.Benchmarks;

/// <summary>
/// Reference figures to compare with, read from a file in the benchmark's JSON shape, such as the Optuna anchor
/// (<c>optuna_anchor_100.json</c>: samplers random, tpe, tpe-mv and cmaes).
/// </summary>
public sealed class ReferenceResults
{
    /// <summary>The name of Optuna's default sampler in the anchor file.</summary>
    public const string DefaultSamplerName = "tpe";

    /// <summary>Wraps problem → sampler → figures.</summary>
    public ReferenceResults(IReadOnlyDictionary<string, IReadOnlyDictionary<string, ReferenceFigures>> results) => Results = results;

    /// <summary>Problem → sampler → figures.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, ReferenceFigures>> Results { get; }

    /// <summary>The file's <c>budget</c>, when it has one.</summary>
    public int? Budget { get; init; }

    /// <summary>The file's <c>seeds</c>, when it has one.</summary>
    public int? Seeds { get; init; }

    /// <summary>The file's <c>first_seed</c> (our own results files have it; 0 is implied without it).</summary>
    public int? FirstSeed { get; init; }

    /// <summary>
    /// Why this file's studies are not the ones of a run with these settings (another budget, other seeds), or null
    /// when they match as far as the file says: comparing regrets of different studies would mislead. The first seed
    /// is compared only when given (another library's seeds are not ours anyway).
    /// </summary>
    public string? Mismatch(int budget, int seeds, int? firstSeed = null)
    {
        if (Budget is { } b && b != budget) return $"it was run with budget {b}, this run has {budget}";
        if (Seeds is { } s && s != seeds) return $"it was run with {s} seeds, this run has {seeds}";
        if (firstSeed is { } f && (FirstSeed ?? 0) != f) return $"its seeds start at {FirstSeed ?? 0}, this run's at {f}";
        return null;
    }

    /// <summary>Reads a reference file.</summary>
    /// <exception cref="FormatException">The file is not in the benchmark's JSON shape.</exception>
    public static ReferenceResults Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Parses a reference JSON text.</summary>
    /// <exception cref="FormatException">The text is not in the benchmark's JSON shape.</exception>
    public static ReferenceResults Parse(string json, string source = "reference")
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (!doc.RootElement.TryGetProperty("results", out var results) || results.ValueKind != JsonValueKind.Object)
                throw new FormatException($"{source}: no \"results\" object");
            var map = new Dictionary<string, IReadOnlyDictionary<string, ReferenceFigures>>(StringComparer.OrdinalIgnoreCase);
            foreach (var problem in results.EnumerateObject())
            {
                var samplers = new Dictionary<string, ReferenceFigures>(StringComparer.OrdinalIgnoreCase);
                foreach (var sampler in problem.Value.EnumerateObject())
                {
                    var median = Number(sampler.Value, "median_regret");
                    if (double.IsNaN(median)) continue;
                    samplers[sampler.Name] = new ReferenceFigures(median, Number(sampler.Value, "mean_regret"), Number(sampler.Value, "secs"))
                    {
                        Regrets = Numbers(sampler.Value, "regrets"),
                    };
                }
                map[problem.Name] = samplers;
            }
            return new ReferenceResults(map)
            {
                Budget = Integer(doc.RootElement, "budget"),
                Seeds = Integer(doc.RootElement, "seeds"),
                FirstSeed = Integer(doc.RootElement, "first_seed"),
            };
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source}: not valid JSON ({e.Message})", e);
        }
    }

    /// <summary>The sampler with the lowest median regret on a problem, or null when the problem is absent.</summary>
    public (string Sampler, ReferenceFigures Figures)? Best(string problem) =>
        Results.TryGetValue(problem, out var samplers) && samplers.Count > 0
            ? samplers.OrderBy(s => s.Value.MedianRegret).ThenBy(s => s.Key, StringComparer.Ordinal).Select(s => (s.Key, s.Value)).First()
            : null;

    /// <summary>A sampler's figures on a problem, or null.</summary>
    public ReferenceFigures? Get(string problem, string sampler) =>
        Results.TryGetValue(problem, out var samplers) && samplers.TryGetValue(sampler, out var f) ? f : null;

    private static int? Integer(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    // A list with a null (a study with no completed trial, written as null) counts as infinite regret there.
    private static IReadOnlyList<double>? Numbers(JsonElement entry, string name) =>
        entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Number ? e.GetDouble() : double.PositiveInfinity).ToArray()
            : null;

    private static double Number(JsonElement entry, string name) =>
        entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;
}
