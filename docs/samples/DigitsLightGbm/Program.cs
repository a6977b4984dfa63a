using HyperTune.Client;

// The bundled digits split (config/studies/data), found from the working directory upwards.
var data = Path.Combine(Directory.GetCurrentDirectory(), "config", "studies", "data");
for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); !Directory.Exists(data) && dir.Parent is { } up; dir = up)
    data = Path.Combine(up.FullName, "config", "studies", "data");

var study = StudyBuilder.Create("digits-lightgbm-csharp")
    .Maximize("accuracy")
    .Trainable("mlnet", new
    {
        task = "multiclass", learner = "lightgbm",
        data = new { train = Path.Combine(data, "digits_train.csv"), test = Path.Combine(data, "digits_test.csv") },
        validation = new { folds = 5, seed = 0 },
    })
    .Float("learningRate", 0.01, 0.3, log: true)
    .Int("numberOfLeaves", 4, 128, log: true)
    .Int("minimumExampleCountPerLeaf", 2, 64, log: true)
    .Int("numberOfIterations", 50, 400)
    .Scheduler("fold-racing")
    .Optimizer("auto", seed: 0)
    .Budget(args.Length > 0 ? int.Parse(args[0]) : 30, parallelism: 2);

await using var local = await LocalStudy.StartAsync(study, new LocalStudyOptions { Fresh = true });
var result = await local.RunAsync();
var refit = await local.RefitAsync(Path.Combine("hypertune-data", "digits-model.zip"));
Console.WriteLine($"best trial {result.Best!.Number}: cross-validated accuracy {result.Best.Value:F4}, {result.Best.Params}");
Console.WriteLine($"test accuracy {refit.TestMetrics["accuracy"]:F4} on {refit.TestRows} rows; model {refit.ModelPath}");
