using HyperTune.Core.Specs;

namespace HyperTune.Trainables.MlNet;

/// <summary>
/// The <c>data</c> section of an ML.NET trainable: the training CSV, the held-out test set (a CSV or a fraction of
/// the training file, never seen during the search), the label column, the feature columns and which of them are
/// categorical (one-hot encoded).
/// </summary>
/// <param name="TrainPath">The training CSV (header line first).</param>
/// <param name="TestPath">The test CSV with the same columns, or null.</param>
/// <param name="TestFraction">The share of the training file set aside as the test set, or null.</param>
/// <param name="Label">The label column's name.</param>
/// <param name="Features">The feature columns, or null for every column but the label.</param>
/// <param name="Categorical">Feature columns read as categories.</param>
/// <param name="Separator">The field separator.</param>
public sealed record DataOptions(string TrainPath, string? TestPath, double? TestFraction, string Label,
    IReadOnlyList<string>? Features, IReadOnlyList<string> Categorical, char Separator)
{
    /// <summary>
    /// Reads <c>train</c> (required), <c>test</c> or <c>testFraction</c>, <c>label</c> (default <c>label</c>),
    /// <c>features</c>, <c>categorical</c> and <c>separator</c> (one character, default a comma).
    /// </summary>
    /// <exception cref="SpecException">A missing or bad field, named.</exception>
    public static DataOptions Read(JsonSettings settings)
    {
        var train = settings.RequireString("train");
        var test = settings.GetOptionalString("test");
        var fraction = settings.GetOptionalDouble("testFraction", 0, 1);
        var label = settings.GetString("label", "label");
        var features = Strings(settings, "features");
        var categorical = Strings(settings, "categorical") ?? Array.Empty<string>();
        var separator = settings.GetString("separator", ",");
        settings.EnsureNoUnknownFields();
        if (test is not null && fraction is not null)
            throw new SpecException(settings.PathOf("testFraction"), "give test or testFraction, not both");
        if (fraction is { } f && (f <= 0 || f >= 1))
            throw new SpecException(settings.PathOf("testFraction"), $"must be between 0 and 1 (exclusive), got {f}");
        if (separator.Length != 1)
            throw new SpecException(settings.PathOf("separator"), $"must be one character, got '{separator}'");
        if (features is not null && features.Contains(label))
            throw new SpecException(settings.PathOf("features"), $"lists the label column '{label}'");
        if (categorical.Contains(label))
            throw new SpecException(settings.PathOf("categorical"), $"lists the label column '{label}'");
        if (features is not null && categorical.FirstOrDefault(c => !features.Contains(c)) is { } stray)
            throw new SpecException(settings.PathOf("categorical"), $"'{stray}' is not one of the features");
        return new DataOptions(train, test, fraction, label, features, categorical, separator[0]);
    }

    /// <summary>These options with relative paths taken relative to <paramref name="directory"/>.</summary>
    public DataOptions RelativeTo(string? directory) => directory is null ? this : this with
    {
        TrainPath = Path.GetFullPath(TrainPath, directory),
        TestPath = TestPath is null ? null : Path.GetFullPath(TestPath, directory),
    };

    private static IReadOnlyList<string>? Strings(JsonSettings settings, string name)
    {
        if (settings.GetArray(name) is not { } items) return null;
        var names = new List<string>();
        foreach (var (element, path) in items)
        {
            if (element.ValueKind != System.Text.Json.JsonValueKind.String || element.GetString() is not { Length: > 0 } s)
                throw new SpecException(path, $"expected a column name, got {JsonSettings.Describe(element)}");
            if (names.Contains(s)) throw new SpecException(path, $"'{s}' is listed twice");
            names.Add(s);
        }
        return names;
    }
}
