namespace HyperTune.Cli.Commands.Bench;

/// <summary>One study of the ML benchmark: its best cross-validated and test scores, and what it cost.</summary>
/// <param name="Dataset">The data set.</param>
/// <param name="Scheduler">The scheduler type.</param>
/// <param name="Seed">The seed.</param>
/// <param name="CrossValidated">The best trial's cross-validated value.</param>
/// <param name="Test">Its refit's test score.</param>
/// <param name="Seconds">Wall seconds of the search and the refit.</param>
/// <param name="Trials">Trials run.</param>
/// <param name="Pruned">Trials stopped between folds.</param>
/// <param name="FoldsRun">Folds trained over all trials.</param>
/// <param name="FoldsFull">Folds all trials would have trained without stopping.</param>
internal sealed record MlBenchResult(string Dataset, string Scheduler, int Seed, double CrossValidated, double Test,
    double Seconds, int Trials, int Pruned, long FoldsRun, long FoldsFull);
