using System.Text.Json;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Trainables.MlNet;

namespace HyperTune.Trainables.Tests.MlNet;

/// <summary>The bundled data sets (copied beside the test assembly) and trainables over them.</summary>
internal static class MlData
{
    public static string File(string name) => Path.Combine(AppContext.BaseDirectory, "data", name);

    /// <summary>An ML.NET trainable from the JSON of its fields (without <c>type</c>).</summary>
    public static MlNetTrainable Trainable(string fields, SearchSpace? space = null,
        Action<IReadOnlyList<int>, IReadOnlyList<int>>? rowsUsed = null)
    {
        var json = "{\"type\": \"mlnet\", " + fields.Trim().TrimStart('{');
        return new MlNetTrainable(TrainableSpec.FromJson(json).Reader(), space) { RowsUsed = rowsUsed };
    }

    public static string Quote(string path) => JsonSerializer.Serialize(path);

    public static TrialContext Context(Configuration config, string metric, List<TrialReport>? reports = null,
        int? part = null) => new()
    {
        Part = part,
        StudyId = "ml-test",
        TrialNumber = 0,
        Params = config,
        Metric = metric,
        Report = r => { lock (reports ?? []) reports?.Add(r); },
    };

    public static Configuration Config(params (string Name, object Value)[] values) =>
        Configuration.From(values.Select(v => new KeyValuePair<string, object>(v.Name, v.Value)));
}
