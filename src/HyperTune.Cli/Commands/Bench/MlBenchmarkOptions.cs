namespace HyperTune.Cli.Commands.Bench;

/// <summary>
/// What <c>hypertune bench ml</c> runs: LightGBM studies on the bundled data sets under the reference protocol
/// (k-fold cross-validation, a trial budget, refit, one test score), per data set, scheduler and seed.
/// </summary>
internal sealed record MlBenchmarkOptions
{
    /// <summary>Data sets, by the reference's names.</summary>
    public IReadOnlyList<string> Datasets { get; init; } = MlBenchDataset.All.Select(d => d.Name).ToArray();

    /// <summary>Seeds per data set and scheduler (0, 1, ...): the optimizer's and the folds'.</summary>
    public int Seeds { get; init; } = 3;

    /// <summary>Trials per study.</summary>
    public int Trials { get; init; } = 40;

    /// <summary>Cross-validation folds.</summary>
    public int Folds { get; init; } = 5;

    /// <summary>Slots of the node and parallelism of each study (the reference used two worker processes).</summary>
    public int Slots { get; init; } = 2;

    /// <summary>
    /// Whether each trial's folds run as parts in parallel on the slots (<c>validation.parallel</c>, the default) or
    /// one after another in the trial's slot (<c>--sequential-folds</c>).
    /// </summary>
    public bool ParallelFolds { get; init; } = true;

    /// <summary>Scheduler types compared (<c>fold-racing</c>, <c>none</c>...).</summary>
    public IReadOnlyList<string> Schedulers { get; init; } = ["fold-racing"];

    /// <summary>The optimizer type.</summary>
    public string Optimizer { get; init; } = Core.Specs.OptimizerSpec.DefaultType;

    /// <summary>The folder with the data sets' CSV files.</summary>
    public string DataDirectory { get; init; } = Path.Combine("config", "studies", "data");

    /// <summary>Throws <see cref="ArgumentException"/> naming the option that is out of range.</summary>
    public void Validate()
    {
        if (Seeds < 1) throw new ArgumentException("--seeds must be at least 1");
        if (Trials < 1) throw new ArgumentException("--trials must be at least 1");
        if (Folds is < 2 or > Core.Validation.ValidationSpec.MaxFolds)
            throw new ArgumentException($"--folds must be between 2 and {Core.Validation.ValidationSpec.MaxFolds}");
        if (Slots < 1) throw new ArgumentException("--slots must be at least 1");
        foreach (var name in Datasets) MlBenchDataset.Get(name);
        foreach (var d in Datasets.Select(MlBenchDataset.Get))
            foreach (var file in new[] { d.TrainFile, d.TestFile })
                if (!File.Exists(Path.Combine(DataDirectory, file)))
                    throw new ArgumentException($"{Path.Combine(DataDirectory, file)} not found: give --data, the folder " +
                                                "holding the bundled data sets (config/studies/data in the repository)");
    }
}
