using System.Globalization;
using System.Text;
using HyperTune.Core.Specs;

namespace HyperTune.Trainables.MlNet;

/// <summary>
/// Reads a CSV file (header line first, fields optionally in double quotes) into <see cref="TabularData"/>. Empty
/// fields and <c>NA</c>, <c>NaN</c>, <c>?</c> are missing: NaN in numeric features, no level in categorical ones. A
/// label must not be missing. Errors name the file, the line and the column.
/// </summary>
public static class CsvTableReader
{
    private static readonly string[] MissingMarkers = ["", "NA", "N/A", "NaN", "nan", "?", "null"];

    /// <summary>Reads the training file of <paramref name="options"/> and derives its layout.</summary>
    /// <exception cref="SpecException">The file cannot be read, or its content does not fit the options.</exception>
    public static TabularData ReadTraining(DataOptions options, MlTask task) =>
        Read(options.TrainPath, "trainable.data.train", options, task, layout: null);

    /// <summary>Reads the test file of <paramref name="options"/> with the training file's layout.</summary>
    /// <exception cref="SpecException">The file cannot be read, or its content does not fit the options.</exception>
    public static TabularData ReadTest(DataOptions options, MlTask task, TableLayout layout) =>
        Read(options.TestPath ?? throw new InvalidOperationException("no test file"), "trainable.data.test", options,
            task, layout);

    private static TabularData Read(string path, string field, DataOptions options, MlTask task, TableLayout? layout)
    {
        List<string[]> records;
        try
        {
            records = File.ReadLines(path).Where(l => l.Length > 0).Select(l => Split(l, options.Separator)).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SpecException(field, $"cannot read '{path}': {e.Message}");
        }
        if (records.Count < 2) throw new SpecException(field, $"'{path}' has no data rows (a header line, then rows)");
        var header = records[0];
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Length; i++)
            if (!index.TryAdd(header[i], i)) throw new SpecException(field, $"'{path}': column '{header[i]}' appears twice");
        int Column(string name) => index.TryGetValue(name, out var i) ? i
            : throw new SpecException(field, $"'{path}' has no column '{name}'; columns: {string.Join(", ", header)}{JsonSettings.Suggest(name, header)}");
        var labelColumn = Column(options.Label);
        var featureNames = options.Features ?? header.Where(h => h != options.Label).ToArray();
        var featureColumns = featureNames.Select(Column).ToArray();
        foreach (var c in options.Categorical) Column(c);
        var body = records.Skip(1).ToList();
        for (var r = 0; r < body.Count; r++)
            if (body[r].Length != header.Length)
                throw new SpecException(field, $"'{path}' line {r + 2}: {body[r].Length} fields, the header has {header.Length}");

        layout ??= Layout(path, field, options, task, header, body, featureNames, labelColumn);
        var labels = new double[body.Count];
        var rows = new float[body.Count][];
        var classIndex = layout.Classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        for (var r = 0; r < body.Count; r++)
        {
            var text = body[r][labelColumn].Trim();
            if (IsMissing(text)) throw new SpecException(field, $"'{path}' line {r + 2}: the label '{options.Label}' is missing");
            if (task == MlTask.Regression)
                labels[r] = ParseNumber(text) ?? throw new SpecException(field,
                    $"'{path}' line {r + 2}: label '{options.Label}' is '{text}', not a number (regression needs numbers)");
            else
                labels[r] = classIndex.TryGetValue(Normalize(text), out var k) ? k : throw new SpecException(field,
                    $"'{path}' line {r + 2}: label '{text}' is not a class of the training data ({string.Join(", ", layout.Classes)})");
            rows[r] = Encode(path, field, r + 2, body[r], layout, featureColumns);
        }
        return new TabularData(path, layout, rows, labels);
    }

    private static TableLayout Layout(string path, string field, DataOptions options, MlTask task, string[] header,
        List<string[]> body, IReadOnlyList<string> featureNames, int labelColumn)
    {
        var columns = new List<(string, IReadOnlyList<string>?)>();
        foreach (var name in featureNames)
        {
            var c = Array.IndexOf(header, name);
            if (!options.Categorical.Contains(name))
            {
                columns.Add((name, null));
                continue;
            }
            var levels = body.Select(row => row[c].Trim()).Where(v => !IsMissing(v)).Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal).ToArray();
            columns.Add((name, levels));
        }
        IReadOnlyList<string> classes = Array.Empty<string>();
        if (task != MlTask.Regression)
        {
            var values = body.Select(row => row[labelColumn].Trim()).Where(v => !IsMissing(v)).Select(Normalize)
                .Distinct(StringComparer.Ordinal).ToList();
            // Numbers in numeric order (so 0/1 puts 1 as the positive class), other labels in ordinal order.
            classes = values.All(v => ParseNumber(v) is not null)
                ? values.OrderBy(v => ParseNumber(v)!.Value).ToArray()
                : values.Order(StringComparer.Ordinal).ToArray();
            if (task == MlTask.Binary && classes.Count != 2)
                throw new SpecException(field, $"'{path}': binary classification needs exactly 2 label values in " +
                                               $"'{options.Label}', found {classes.Count}; use task multiclass");
            if (task == MlTask.Multiclass && classes.Count < 2)
                throw new SpecException(field, $"'{path}': the label '{options.Label}' has only one value");
        }
        return new TableLayout(columns, options.Label, classes);
    }

    private static float[] Encode(string path, string field, int line, string[] record, TableLayout layout,
        int[] featureColumns)
    {
        var values = new float[layout.FeatureNames.Count];
        var at = 0;
        for (var f = 0; f < featureColumns.Length; f++)
        {
            var (name, levels) = layout.Columns[f];
            var text = record[featureColumns[f]].Trim();
            if (levels is not null)
            {
                // An unseen level (test data) or a missing one sets no indicator.
                for (var l = 0; l < levels.Count; l++) values[at + l] = levels[l] == text ? 1f : 0f;
                at += levels.Count;
                continue;
            }
            if (IsMissing(text)) values[at++] = float.NaN;
            else values[at++] = (float)(ParseNumber(text) ?? throw new SpecException(field,
                $"'{path}' line {line}: column '{name}' is '{text}', not a number; list it in trainable.data.categorical " +
                "to one-hot encode it"));
        }
        return values;
    }

    private static bool IsMissing(string text) => MissingMarkers.Contains(text, StringComparer.Ordinal);

    private static double? ParseNumber(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null;

    // "1.0" and "1" are one class.
    private static string Normalize(string label) =>
        ParseNumber(label) is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : label;

    /// <summary>Splits one CSV line: separators inside double quotes are text; "" inside quotes is a quote.</summary>
    internal static string[] Split(string line, char separator)
    {
        if (!line.Contains('"')) return line.Split(separator);
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < line.Length && line[i + 1] == '"') field.Append(line[++i]);
                else quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == separator)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else field.Append(c);
        }
        fields.Add(field.ToString());
        return fields.ToArray();
    }
}
