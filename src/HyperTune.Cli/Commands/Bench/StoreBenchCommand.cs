using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;

namespace HyperTune.Cli.Commands.Bench;

/// <summary>
/// <c>hypertune bench store</c>: how fast the read-only study commands answer on a local store of many studies,
/// beside Optuna's CLI on a storage of the same shape.
/// </summary>
internal static class StoreBenchCommand
{
    public static Command Create()
    {
        var studies = new Option<int>("--studies")
        {
            Description = "Studies in the store", DefaultValueFactory = _ => 100,
        };
        var trials = new Option<int>("--trials") { Description = "Trials per study", DefaultValueFactory = _ => 1000 };
        var repeat = new Option<int>("--repeat") { Description = "Runs of each command", DefaultValueFactory = _ => 5 };
        var dir = new Option<string?>("--dir") { Description = "Folder for the stores (default: a new temporary one)" };
        var optuna = new Option<bool>("--optuna")
        {
            Description = "Also time Optuna's CLI (/usr/bin/python3 with optuna)",
        };
        var command = new Command("store",
            "Time `study list|show|best|trials|export` on a local store of many studies (beside Optuna's CLI)")
        {
            studies, trials, repeat, dir, optuna,
        };
        command.SetAction(async (r, ct) =>
        {
            int s = r.GetValue(studies), t = r.GetValue(trials), n = r.GetValue(repeat);
            if (s < 1 || t < 1 || n < 1)
            {
                Console.Error.WriteLine("error: --studies, --trials and --repeat must be at least 1");
                return ExitCodes.BadInput;
            }
            var folder = r.GetValue(dir) ?? Directory.CreateTempSubdirectory("hypertune-bench-store-").FullName;
            var built = System.Diagnostics.Stopwatch.StartNew();
            var journal = await StoreBenchmark.BuildAsync(Path.Combine(folder, $"hypertune-{s}x{t}"), s, t, ct);
            var size = new FileInfo(Cluster.Hosting.StorageSpec.SiblingPathOf(journal, "views")).Length / 1e6;
            Console.Error.WriteLine($"built a read model of {s} studies x {t} trials in " +
                                    $"{built.Elapsed.TotalSeconds:0.0} s ({size:0.0} MB)");
            Console.Out.WriteLine($"{"command",-44} {"median s",9} {"max s",7}");
            foreach (var args in StoreBenchmark.Commands)
            {
                var full = args.Select(a => a == "ID" ? "study-000" : a)
                    .Concat(new[] { "--storage", $"sqlite:{journal}" }).ToArray();
                var times = await StoreBenchmark.TimeAsync(full, n, ct);
                Console.Out.WriteLine(Row("hypertune " + string.Join(' ', args), times));
            }
            if (r.GetValue(optuna) && await StoreBenchmark.OptunaAsync(folder, s, t, n, Console.Error, ct) is { } o)
            {
                Console.Error.WriteLine($"optuna storage built in {(double)o["build_seconds"]!:0.0} s");
                foreach (var (name, runs) in o["commands"]!.AsObject())
                    Console.Out.WriteLine(Row(name, runs!.AsArray().Select(x => (double)x!).ToList()));
            }
            Console.Error.WriteLine($"stores kept in {folder}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Row(string name, IReadOnlyList<double> times)
    {
        var sorted = times.Order().ToList();
        var median = sorted.Count % 2 == 1
            ? sorted[sorted.Count / 2]
            : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        return string.Create(CultureInfo.InvariantCulture, $"{name,-44} {median,9:0.000} {sorted[^1],7:0.000}");
    }
}
