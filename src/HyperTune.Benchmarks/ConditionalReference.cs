using System.Text.Json;

namespace HyperTune.Benchmarks;

/// <summary>
/// Optuna 3.1's figures on <c>cond-pipeline</c> (<c>Reference/optuna_conditional.json</c>, embedded), whose
/// <c>results</c> are keyed by budget: read per budget as <see cref="ReferenceResults"/> for that problem.
/// </summary>
public static class ConditionalReference
{
    /// <summary>The problem the figures are for.</summary>
    public const string Problem = "cond-pipeline";

    private const string EmbeddedResource = "HyperTune.Benchmarks.Reference.optuna_conditional.json";

    /// <summary>The figures at a budget (trials per study), or null when the file has none for it.</summary>
    public static ReferenceResults? ForBudget(int budget)
    {
        using var stream = typeof(ConditionalReference).Assembly.GetManifestResourceStream(EmbeddedResource)
            ?? throw new InvalidOperationException($"resource {EmbeddedResource} is missing from the build");
        using var doc = JsonDocument.Parse(stream);
        var root = doc.RootElement;
        if (!root.GetProperty("results").TryGetProperty(budget.ToString(System.Globalization.CultureInfo.InvariantCulture), out var atBudget))
            return null;
        // The same figures in the benchmark's own shape: { budget, seeds, results: { problem: { sampler: ... } } }.
        var seeds = root.GetProperty("seeds").GetInt32();
        var text = $"{{\"budget\": {budget}, \"seeds\": {seeds}, \"results\": {{\"{Problem}\": {atBudget.GetRawText()}}}}}";
        return ReferenceResults.Parse(text, $"optuna_conditional.json (embedded), budget {budget}");
    }
}
