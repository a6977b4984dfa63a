namespace HyperTune.Cli.Commands.Bench;

/// <summary>A bundled data set as the ML benchmark tunes it: its task, metric and files.</summary>
/// <param name="Name">The reference's name for it.</param>
/// <param name="Task">The ML.NET trainable's task.</param>
/// <param name="Metric">The metric tuned and tested.</param>
/// <param name="Maximize">True when higher is better.</param>
internal sealed record MlBenchDataset(string Name, string Task, string Metric, bool Maximize)
{
    /// <summary>The three data sets of the reference.</summary>
    public static readonly IReadOnlyList<MlBenchDataset> All =
    [
        new("breast_cancer", "binary", "accuracy", true),
        new("digits", "multiclass", "accuracy", true),
        new("diabetes", "regression", "rmse", false),
    ];

    /// <summary>The training split's file name.</summary>
    public string TrainFile => $"{Name}_train.csv";

    /// <summary>The test split's file name.</summary>
    public string TestFile => $"{Name}_test.csv";

    /// <summary>The data set named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static MlBenchDataset Get(string name) => All.FirstOrDefault(d => d.Name == name)
        ?? throw new ArgumentException($"unknown data set '{name}'; known: {string.Join(", ", All.Select(d => d.Name))}");
}
