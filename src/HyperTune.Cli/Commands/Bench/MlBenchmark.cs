using System.Diagnostics;
using System.Text.Json;
using HyperTune.Cluster.Client;
using HyperTune.Cluster.Hosting;
using HyperTune.Core.Specs;
using HyperTune.Trainables.MlNet;

namespace HyperTune.Cli.Commands.Bench;

/// <summary>
/// Runs LightGBM studies on the bundled data sets through an embedded one-node cluster (temporary SQLite store), as
/// <c>hypertune run</c> does, then refits each study's best configuration and scores it once on the test split.
/// </summary>
internal static class MlBenchmark
{
    // The reference's Optuna search space (sklearn_reference.py) in LightGBM's names, plus LightGBM's feature and
    // row subsampling (which HistGradientBoosting 1.2 lacks; Optuna's own LightGBM tuner searches both).
    private const string Space = """
        [{ "name": "learningRate", "type": "float", "low": 0.01, "high": 0.3, "log": true },
         { "name": "numberOfLeaves", "type": "int", "low": 4, "high": 128, "log": true },
         { "name": "minimumExampleCountPerLeaf", "type": "int", "low": 2, "high": 64, "log": true },
         { "name": "l2Regularization", "type": "float", "low": 0.0001, "high": 10, "log": true },
         { "name": "numberOfIterations", "type": "int", "low": 50, "high": 400 },
         { "name": "featureFraction", "type": "float", "low": 0.3, "high": 1.0 },
         { "name": "subsampleFraction", "type": "float", "low": 0.5, "high": 1.0 }]
        """;

    /// <summary>The study spec of one data set, scheduler and seed.</summary>
    public static string SpecJson(MlBenchmarkOptions options, MlBenchDataset dataset, string scheduler, int seed)
    {
        var train = JsonSerializer.Serialize(Path.GetFullPath(Path.Combine(options.DataDirectory, dataset.TrainFile)));
        var test = JsonSerializer.Serialize(Path.GetFullPath(Path.Combine(options.DataDirectory, dataset.TestFile)));
        return $$"""
            {
              "name": "ml-{{dataset.Name.Replace('_', '-')}}-{{scheduler}}-s{{seed}}",
              "objective": { "metric": "{{dataset.Metric}}", "direction": "{{(dataset.Maximize ? "maximize" : "minimize")}}" },
              "trainable": { "type": "mlnet", "task": "{{dataset.Task}}", "learner": "lightgbm",
                             "data": { "train": {{train}}, "test": {{test}} },
                             "validation": { "folds": {{options.Folds}}, "seed": {{seed}},
                                             "parallel": {{(options.ParallelFolds ? "true" : "false")}} } },
              "space": {{Space}},
              "optimizer": { "type": "{{options.Optimizer}}", "seed": {{seed}} },
              "scheduler": { "type": "{{scheduler}}" },
              "budget": { "maxTrials": {{options.Trials}}, "parallelism": {{options.Slots}} }
            }
            """;
    }

    /// <summary>Runs every study in turn; progress goes to <paramref name="log"/>.</summary>
    public static async Task<IReadOnlyList<MlBenchResult>> RunAsync(MlBenchmarkOptions options, TextWriter log,
        CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("hypertune-bench-ml-").FullName;
        try
        {
            var node = await BenchNode.StartAsync(dir, options.Slots,
                $"{DataRootPolicy.ConfigKey} = [{StorageSpec.Quote(Path.GetFullPath(options.DataDirectory))}]", ct);
            await using (node)
            {
                var client = new HyperTuneClient(node);
                var results = new List<MlBenchResult>();
                foreach (var dataset in options.Datasets.Select(MlBenchDataset.Get))
                    foreach (var scheduler in options.Schedulers)
                        for (var seed = 0; seed < options.Seeds; seed++)
                        {
                            log.Write($"{dataset.Name} {scheduler} seed {seed}: ");
                            var result = await RunStudyAsync(client, options, dataset, scheduler, seed, ct);
                            log.WriteLine($"cv {result.CrossValidated:G5}, test {result.Test:G5}, {result.Seconds:0.0}s, " +
                                          $"{result.Pruned} pruned, {result.FoldsRun}/{result.FoldsFull} folds");
                            results.Add(result);
                        }
                return results;
            }
        }
        finally
        {
            BenchNode.DeleteDirectory(dir);
        }
    }

    private static async Task<MlBenchResult> RunStudyAsync(HyperTuneClient client, MlBenchmarkOptions options,
        MlBenchDataset dataset, string scheduler, int seed, CancellationToken ct)
    {
        var json = SpecJson(options, dataset, scheduler, seed);
        var spec = StudySpecParser.Parse(json);
        var trainable = (MlNetTrainable)Trainables.TrainableFactory.Create(spec);
        var stopwatch = Stopwatch.StartNew();
        var submitted = await client.SubmitAsync(json, fresh: true, cancellationToken: ct);
        await foreach (var _ in client.WatchAsync(submitted.StudyId, ct))
        {
        }
        var report = await client.GetAsync(submitted.StudyId, includeTrials: true, ct)
                     ?? throw new InvalidOperationException($"study {submitted.StudyId} vanished");
        var best = report.Progress.Best
                   ?? throw new InvalidOperationException($"study {submitted.StudyId} has no completed trial");
        var refit = await trainable.RefitAsync(best.Params, modelPath: null, ct);
        var seconds = stopwatch.Elapsed.TotalSeconds;
        var trials = report.Trials ?? [];
        return new MlBenchResult(dataset.Name, scheduler, seed, best.Value, refit.TestMetrics[dataset.Metric], seconds,
            trials.Count, report.Progress.Pruned, trials.Sum(t => t.LastIntermediate?.Step ?? 0),
            (long)trials.Count * options.Folds);
    }
}
