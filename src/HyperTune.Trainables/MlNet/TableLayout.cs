namespace HyperTune.Trainables.MlNet;

/// <summary>
/// How a CSV's columns become features: each feature column in order, numeric or categorical with its levels (one
/// feature per level), and the label's classes for classification. Taken from the training file and reused for the
/// test file, so both encode alike.
/// </summary>
/// <param name="Columns">The feature columns in order; a categorical column has its levels, a numeric one null.</param>
/// <param name="Label">The label column's name.</param>
/// <param name="Classes">The label's classes in order (classification), empty for regression.</param>
public sealed record TableLayout(IReadOnlyList<(string Name, IReadOnlyList<string>? Levels)> Columns, string Label,
    IReadOnlyList<string> Classes)
{
    /// <summary>The features after encoding: a numeric column's name, or <c>column=level</c> per level.</summary>
    public IReadOnlyList<string> FeatureNames { get; } = Columns
        .SelectMany(c => c.Levels is null ? new[] { c.Name } : c.Levels.Select(l => $"{c.Name}={l}").ToArray())
        .ToArray();
}
