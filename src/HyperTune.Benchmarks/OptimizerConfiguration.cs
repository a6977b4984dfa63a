using System.Text.Json;
using HyperTune.Core.Specs;

namespace HyperTune.Benchmarks;

/// <summary>
/// A named optimizer setup to benchmark: the optimizer type and the settings of its spec object (without
/// <c>type</c> and <c>seed</c>, which the benchmark fills in). Types are resolved through the optimizer factory
/// when the benchmark runs, so setups for optimizers this build lacks are listed and skipped with a note.
/// </summary>
/// <param name="Name">The name in results and tables (<c>tpe-mv</c>).</param>
/// <param name="Type">The optimizer type (<c>tpe</c>); null for the default optimizer a spec gets when it names none.</param>
/// <param name="Settings">Extra fields of the spec's <c>optimizer</c> object, as a JSON object text.</param>
public sealed record OptimizerConfiguration(string Name, string? Type, string Settings = "{}")
{
    /// <summary>The name of the setup that stands for "whatever a spec gets without naming an optimizer".</summary>
    public const string DefaultName = "default";

    /// <summary>
    /// The standard setups, in table order: random, tpe, tpe-mv (multivariate TPE), gp, rf, cmaes, sobol,
    /// coarse-to-fine, evolution and default.
    /// </summary>
    public static IReadOnlyList<OptimizerConfiguration> Standard { get; } = new OptimizerConfiguration[]
    {
        new("random", "random"),
        new("tpe", "tpe"),
        new("tpe-mv", "tpe", """{"multivariate": true}"""),
        new("gp", "gp"),
        new("rf", "rf"),
        new("cmaes", "cmaes"),
        new("sobol", "sobol"),
        new("coarse-to-fine", "coarse-to-fine"),
        new("evolution", "evolution"),
        new(DefaultName, null),
    };

    /// <summary>The type that will actually run: <see cref="Type"/>, or the spec default.</summary>
    public string ResolvedType => Type ?? OptimizerSpec.DefaultType;

    /// <summary>
    /// The setup a name stands for: a standard setup by its name, an optimizer type with settings written after it
    /// as a JSON object (<c>tpe{"priorWeight": 2}</c>, for experiments), or else an optimizer type with its default
    /// settings (which may not exist in this build; the benchmark then skips it).
    /// </summary>
    public static OptimizerConfiguration FromName(string name)
    {
        var trimmed = name.Trim();
        var brace = trimmed.IndexOf('{');
        if (brace > 0) return new OptimizerConfiguration(trimmed, trimmed[..brace].Trim().ToLowerInvariant(), trimmed[brace..]);
        return Standard.FirstOrDefault(c => string.Equals(c.Name, trimmed, StringComparison.OrdinalIgnoreCase))
            ?? new OptimizerConfiguration(trimmed.ToLowerInvariant(), trimmed.ToLowerInvariant());
    }

    /// <summary>The optimizer spec for one seed.</summary>
    /// <exception cref="SpecException"><see cref="Settings"/> is not a JSON object.</exception>
    public OptimizerSpec ToSpec(long seed)
    {
        var settings = JsonSettings.Parse(Settings, "optimizer");
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("type", ResolvedType);
            writer.WriteNumber("seed", seed);
            foreach (var property in settings.Element.EnumerateObject())
                if (property.Name is not ("type" or "seed"))
                    property.WriteTo(writer);
            writer.WriteEndObject();
        }
        using var doc = JsonDocument.Parse(stream.ToArray());
        return new OptimizerSpec(ResolvedType, seed, doc.RootElement.Clone());
    }
}
