using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Validation;
using HyperTune.Trainables.MlNet;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;
using static HyperTune.Trainables.Tests.MlNet.MlData;

namespace HyperTune.Trainables.Tests.MlNet;

public class MlNetTrainableTests
{
    private static readonly string Digits = $$"""
        "task": "multiclass", "learner": "lightgbm",
        "data": { "train": {{Quote(File("digits_train.csv"))}}, "test": {{Quote(File("digits_test.csv"))}} },
        "validation": { "folds": 3, "seed": 2 }
        """;

    [Fact]
    public async Task Each_part_trains_one_fold_and_the_parts_aggregate_to_the_sequential_runs_metrics()
    {
        var trainable = Trainable("{" + Digits + "}");
        Assert.Equal(3, trainable.Parts);
        Assert.Equal(1, Trainable("{" + Digits.Replace("\"seed\": 2", "\"seed\": 2, \"parallel\": false") + "}").Parts);
        var config = Config(("numberOfIterations", 30L), ("numberOfLeaves", 8L), ("learningRate", 0.2));
        var whole = await trainable.RunAsync(Context(config, "accuracy"), CancellationToken.None);
        var parts = new List<IReadOnlyDictionary<string, double>>();
        for (var part = 0; part < 3; part++)
        {
            var reports = new List<TrialReport>();
            var outcome = await trainable.RunAsync(Context(config, "accuracy", reports, part),
                CancellationToken.None);
            Assert.Empty(reports);
            Assert.Equal(whole.Metrics[$"accuracy_fold{part + 1}"], outcome.Metrics["accuracy"]);
            Assert.False(outcome.Metrics.ContainsKey("accuracy_std"));
            parts.Add(outcome.Metrics);
        }
        Assert.Equal(whole.Metrics.OrderBy(p => p.Key), PartResults.Aggregate(parts, "accuracy").OrderBy(p => p.Key));
        var missing = await trainable.RunAsync(Context(config, "accuracy", part: 3), CancellationToken.None);
        Assert.Equal("there is no fold 4 of 3", missing.FailureReason);
    }

    [Fact]
    public async Task Cross_validated_accuracy_equals_a_direct_MLNET_run_on_the_same_folds()
    {
        var trainable = Trainable("{" + Digits + "}");
        var config = Config(("numberOfIterations", 40L), ("numberOfLeaves", 8L), ("learningRate", 0.2));
        var reports = new List<TrialReport>();
        var outcome = await trainable.RunAsync(Context(config, "accuracy", reports), CancellationToken.None);

        // The same folds, with the CSV read by ML.NET's own text loader and the trainer built by hand.
        var ml = new MLContext(0);
        var loader = ml.Data.CreateTextLoader(new TextLoader.Options
        {
            HasHeader = true, Separators = [','],
            Columns = [new("Features", DataKind.Single, 0, 63), new("Digit", DataKind.Single, 64)],
        });
        var rows = ml.Data.CreateEnumerable<DigitRow>(loader.Load(File("digits_train.csv")), reuseRowObject: false).ToList();
        var classes = rows.Select(r => (int)r.Digit).ToArray();
        var fold = FoldSplitter.Assign(rows.Count, 3, seed: 2, strata: classes);
        var accuracies = new List<double>();
        for (var k = 0; k < 3; k++)
        {
            IDataView View(Func<int, bool> keep) => ml.Transforms.Conversion
                .MapValueToKey("Label", "Digit", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
                .Fit(ml.Data.LoadFromEnumerable(rows)).Transform(ml.Data.LoadFromEnumerable(rows.Where((_, i) => keep(i))));
            var trainer = ml.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options
            {
                NumberOfIterations = 40, NumberOfLeaves = 8, LearningRate = 0.2, NumberOfThreads = 1, Seed = 0,
                Deterministic = true, Silent = true,
            });
            var model = trainer.Fit(View(i => fold[i] != k));
            accuracies.Add(ml.MulticlassClassification.Evaluate(model.Transform(View(i => fold[i] == k))).MicroAccuracy);
        }

        Assert.Null(outcome.FailureReason);
        Assert.Equal(accuracies.Average(), outcome.Metrics["accuracy"], 9);
        Assert.Equal(accuracies[1], outcome.Metrics["accuracy_fold2"], 9);
        Assert.InRange(outcome.Metrics["accuracy"], 0.9, 1.0);
        // Step m reports the mean over the first m folds.
        Assert.Equal(new long[] { 1, 2, 3 }, reports.Select(r => r.Step));
        Assert.Equal(outcome.Metrics["accuracy_fold1"], reports[0].Metrics["accuracy"], 12);
        Assert.Equal(3, trainable.TotalSteps);
    }

    [Fact]
    public async Task The_test_rows_are_never_used_during_the_search_and_scored_once_by_the_refit()
    {
        var fitted = new List<int>();
        var scored = new List<int>();
        var trainable = Trainable($$"""
            { "task": "binary", "learner": "fasttree",
              "data": { "train": {{Quote(File("breast_cancer_train.csv"))}}, "testFraction": 0.25 },
              "validation": { "folds": 4 } }
            """, rowsUsed: (fit, score) => { fitted.AddRange(fit); scored.AddRange(score); });
        var config = Config(("numberOfTrees", 20L));
        var outcome = await trainable.RunAsync(Context(config, "accuracy"), CancellationToken.None);
        Assert.Null(outcome.FailureReason);
        var searchRows = fitted.Concat(scored).ToHashSet();
        fitted.Clear();
        scored.Clear();

        var refit = await trainable.RefitAsync(config, modelPath: null, CancellationToken.None);
        var testRows = scored.ToHashSet();
        Assert.Equal(426, searchRows.Count + testRows.Count);
        Assert.Empty(searchRows.Intersect(testRows));
        Assert.Equal(refit.TestRows, testRows.Count);
        Assert.Equal(searchRows.Count, refit.TrainRows);
        Assert.Equal(searchRows, fitted.ToHashSet());
        Assert.InRange(refit.TestMetrics["accuracy"], 0.85, 1.0);
    }
}

internal sealed class DigitRow
{
    [VectorType(64)]
    public float[] Features { get; set; } = [];

    public float Digit { get; set; }
}
