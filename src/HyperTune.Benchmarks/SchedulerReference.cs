using System.Text.Json;

namespace HyperTune.Benchmarks;

/// <summary>
/// Reference figures for <c>bench schedulers</c>: a file in the multi-fidelity benchmark's shape (<c>budget_runs</c>,
/// <c>seeds</c>, <c>results</c>), by default Optuna 3.1's figures embedded from <c>Reference/optuna_fidelity_30.json</c>.
/// </summary>
/// <param name="Name">How tables call it (<c>Optuna 3.1.0</c>).</param>
/// <param name="Results">Problem → setup → figures.</param>
/// <param name="BudgetRuns">The file's <c>budget_runs</c>, when it has one.</param>
/// <param name="Seeds">The file's <c>seeds</c>, when it has one.</param>
public sealed record SchedulerReference(string Name, ReferenceResults Results, int? BudgetRuns, int? Seeds)
{
    private const string EmbeddedResource = "HyperTune.Benchmarks.Reference.optuna_fidelity_30.json";

    /// <summary>Optuna 3.1's figures for budget 30 runs and 10 seeds, embedded in this assembly.</summary>
    public static SchedulerReference Optuna30()
    {
        using var stream = typeof(SchedulerReference).Assembly.GetManifestResourceStream(EmbeddedResource)
            ?? throw new InvalidOperationException($"resource {EmbeddedResource} is missing from the build");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), "optuna_fidelity_30.json (embedded)");
    }

    /// <summary>Reads a reference file.</summary>
    /// <exception cref="FormatException">Not in the benchmark's JSON shape.</exception>
    public static SchedulerReference Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Parses a reference text; the name says which library made it when the file has an <c>optuna</c> version.</summary>
    /// <exception cref="FormatException">Not in the benchmark's JSON shape.</exception>
    public static SchedulerReference Parse(string json, string source)
    {
        var results = ReferenceResults.Parse(json, source);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var name = root.TryGetProperty("optuna", out var version) && version.ValueKind == JsonValueKind.String
            ? $"Optuna {version.GetString()}"
            : "reference";
        return new SchedulerReference(name, results, Integer(root, "budget_runs"), Integer(root, "seeds"));
    }

    /// <summary>Why the reference's studies are not like this run's (another budget or seed count), or null.</summary>
    public string? Mismatch(int budgetRuns, int seeds)
    {
        if (BudgetRuns is { } b && b != budgetRuns) return $"it was run with budget {b} runs, this run has {budgetRuns}";
        if (Seeds is { } s && s != seeds) return $"it was run with {s} seeds, this run has {seeds}";
        return null;
    }

    private static int? Integer(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;
}
