using System.CommandLine;
using HyperTune.Benchmarks;

namespace HyperTune.Cli.Commands.Bench;

/// <summary>
/// <c>hypertune bench ml</c>: LightGBM studies with k-fold cross-validation, refit and one test score on the bundled
/// data sets, beside scikit-learn's and Optuna's figures on the same splits (embedded <c>sklearn_reference.json</c>,
/// or <c>--reference FILE</c>).
/// </summary>
internal static class MlBenchCommand
{
    public static Command Create()
    {
        var defaults = new MlBenchmarkOptions();
        var datasets = new Option<string?>("--datasets") { Description = "Comma-separated: breast_cancer, digits, diabetes (default: all)" };
        var seeds = new Option<int>("--seeds") { Description = "Studies per data set and scheduler", DefaultValueFactory = _ => defaults.Seeds };
        var trials = new Option<int>("--trials") { Description = "Trials per study", DefaultValueFactory = _ => defaults.Trials };
        var folds = new Option<int>("--folds") { Description = "Cross-validation folds", DefaultValueFactory = _ => defaults.Folds };
        var slots = new Option<int>("--slots") { Description = "Trials at once (the reference ran two worker processes)", DefaultValueFactory = _ => defaults.Slots };
        var sequential = new Option<bool>("--sequential-folds")
        {
            Description = "Run each trial's folds one after another in its slot instead of in parallel",
        };
        var schedulers = new Option<string?>("--schedulers") { Description = "Comma-separated scheduler types compared (default: fold-racing)" };
        var optimizer = new Option<string>("--optimizer") { Description = "Optimizer type", DefaultValueFactory = _ => defaults.Optimizer };
        var data = new Option<string>("--data") { Description = "Folder of the data sets' CSV files", DefaultValueFactory = _ => defaults.DataDirectory };
        var reference = new Option<string?>("--reference") { Description = "sklearn_reference.py output to compare with (default: the embedded copy)" };
        var output = new Option<string?>("--out") { Description = "Write results as JSON" };
        var command = new Command("ml",
            "LightGBM tuned with cross-validation, refit and a test score on breast_cancer, digits and diabetes, beside scikit-learn and Optuna")
        {
            datasets, seeds, trials, folds, slots, sequential, schedulers, optimizer, data, reference, output,
        };
        command.SetAction(async (r, ct) =>
        {
            MlBenchmarkOptions options;
            MlReference figures;
            try
            {
                options = defaults with
                {
                    Datasets = BenchCommand.SplitList(r.GetValue(datasets)) ?? defaults.Datasets,
                    Seeds = r.GetValue(seeds),
                    Trials = r.GetValue(trials),
                    Folds = r.GetValue(folds),
                    Slots = r.GetValue(slots),
                    ParallelFolds = !r.GetValue(sequential),
                    Schedulers = BenchCommand.SplitList(r.GetValue(schedulers)) ?? defaults.Schedulers,
                    Optimizer = r.GetValue(optimizer)!,
                    DataDirectory = r.GetValue(data)!,
                };
                options.Validate();
                // Refuses a bad scheduler or optimizer before a node starts.
                foreach (var scheduler in options.Schedulers)
                    Trainables.TrainableFactory.Create(Core.Specs.StudySpecParser.Parse(
                        MlBenchmark.SpecJson(options, MlBenchDataset.Get(options.Datasets[0]), scheduler, 0)));
                figures = r.GetValue(reference) is { } path ? MlReference.Load(path) : MlReference.Embedded();
            }
            catch (Exception e) when (e is ArgumentException or FormatException or IOException or Core.Specs.SpecException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.BadInput;
            }
            // The studies' nodes may log to stdout while they shut down (Akka's fallback logger): stdout is the table's.
            var stdout = Console.Out;
            Console.SetOut(Console.Error);
            IReadOnlyList<MlBenchResult> results;
            try
            {
                results = await MlBenchmark.RunAsync(options, Console.Error, ct);
            }
            finally
            {
                Console.SetOut(stdout);
            }
            MlBenchReport.WriteTable(results, figures, Console.Out);
            if (r.GetValue(output) is { } outPath)
            {
                using (var file = File.Create(outPath)) MlBenchReport.WriteJson(options, results, file);
                Console.Error.WriteLine($"results written to {outPath}");
            }
            Output.StdoutGuard.Seal();
            return ExitCodes.Ok;
        });
        return command;
    }
}
