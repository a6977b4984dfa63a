namespace HyperTune.Trainables.MlNet;

/// <summary>
/// A CSV file read for learning: numeric feature rows (categorical columns one-hot encoded, missing values NaN) and
/// labels (the value for regression, the class index for classification). Immutable, so one copy per node serves
/// every trial.
/// </summary>
public sealed class TabularData
{
    internal TabularData(string path, TableLayout layout, float[][] rows, double[] labels)
    {
        Path = path;
        Layout = layout;
        Rows = rows;
        Labels = labels;
    }

    /// <summary>The file it was read from.</summary>
    public string Path { get; }

    /// <summary>The columns and their encoding (a test file is read with the training file's layout).</summary>
    public TableLayout Layout { get; }

    /// <summary>Feature values per row, in <see cref="TableLayout.FeatureNames"/> order.</summary>
    public float[][] Rows { get; }

    /// <summary>The label per row: the value (regression) or the index into <see cref="TableLayout.Classes"/>.</summary>
    public double[] Labels { get; }

    /// <summary>Number of rows.</summary>
    public int Count => Rows.Length;

    /// <summary>The class index of each row (classification), for stratified splits.</summary>
    public int[] ClassIndices() => Labels.Select(l => (int)l).ToArray();
}
