using Microsoft.ML;
using Microsoft.ML.Data;

namespace HyperTune.Trainables.MlNet;

/// <summary>
/// ML.NET views over chosen rows of a <see cref="TabularData"/>: a fixed-size feature vector and a label typed for the
/// task (a boolean, a key over the classes, or a number). The rows' arrays are shared, not copied.
/// </summary>
internal static class MlDataViews
{
    public static IDataView Create(MLContext ml, MlTask task, TabularData data, IReadOnlyList<int> rows)
    {
        var width = data.Layout.FeatureNames.Count;
        switch (task)
        {
            case MlTask.Binary:
            {
                var schema = Schema<BinaryRow>(width);
                return ml.Data.LoadFromEnumerable(rows.Select(r => new BinaryRow
                    { Features = data.Rows[r], Label = data.Labels[r] > 0 }).ToList(), schema);
            }
            case MlTask.Multiclass:
            {
                var schema = Schema<MulticlassRow>(width);
                schema[nameof(MulticlassRow.Label)].ColumnType =
                    new KeyDataViewType(typeof(uint), data.Layout.Classes.Count);
                // The loader stores a key column's 0-based value + 1 (its 0 means missing): give the class index.
                return ml.Data.LoadFromEnumerable(rows.Select(r => new MulticlassRow
                    { Features = data.Rows[r], Label = (uint)data.Labels[r] }).ToList(), schema);
            }
            default:
            {
                var schema = Schema<RegressionRow>(width);
                return ml.Data.LoadFromEnumerable(rows.Select(r => new RegressionRow
                    { Features = data.Rows[r], Label = (float)data.Labels[r] }).ToList(), schema);
            }
        }
    }

    private static SchemaDefinition Schema<T>(int width)
    {
        var schema = SchemaDefinition.Create(typeof(T));
        schema[MlLearner.FeatureColumn].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        return schema;
    }

    private sealed class BinaryRow
    {
        public float[] Features { get; init; } = [];
        public bool Label { get; init; }
    }

    private sealed class MulticlassRow
    {
        public float[] Features { get; init; } = [];
        public uint Label { get; init; }
    }

    private sealed class RegressionRow
    {
        public float[] Features { get; init; } = [];
        public float Label { get; init; }
    }
}
