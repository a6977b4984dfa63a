using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;

namespace HyperTune.Cli.Commands.Bench;

/// <summary>
/// <c>hypertune bench engine</c>: the engine's own cost, on studies whose objective costs nothing (Branin, no
/// training time): trials per second after start-up, start-up, peak memory and the growth of the time per trial from
/// the first to the last tenth of a study, for each size, optimizer, storage and parallelism; with <c>--optuna</c>
/// the same studies through Optuna 3.1 beside them, from one run.
/// </summary>
internal static class EngineBenchCommand
{
    public static Command Create()
    {
        var trials = new Option<string>("--trials")
        {
            Description = "Trials per study, comma-separated (1000,10000,100000)", DefaultValueFactory = _ => "1000",
        };
        var optimizers = new Option<string>("--optimizers")
        {
            Description = "random, tpe (comma-separated)", DefaultValueFactory = _ => "random,tpe",
        };
        var storages = new Option<string>("--storages")
        {
            Description = "memory, sqlite (comma-separated)", DefaultValueFactory = _ => "memory,sqlite",
        };
        var parallelism = new Option<string>("--parallelism")
        {
            Description = "Trials at once, comma-separated", DefaultValueFactory = _ => "1,8",
        };
        var optuna = new Option<bool>("--optuna") { Description = "Run each study through Optuna too (/usr/bin/python3)" };
        var output = new Option<string?>("--out") { Description = "Write the figures as JSON" };
        var dir = new Option<string?>("--dir") { Description = "Folder for the studies (default: a temporary one)" };
        var command = new Command("engine",
            "The engine's own cost on studies with a free objective: trials/s, start-up, memory, growth (beside Optuna)")
        {
            trials, optimizers, storages, parallelism, optuna, output, dir,
        };
        command.SetAction(async (r, ct) =>
        {
            List<EngineCase> cases;
            try
            {
                cases = Cases(r.GetValue(trials)!, r.GetValue(optimizers)!, r.GetValue(storages)!,
                    r.GetValue(parallelism)!);
            }
            catch (FormatException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.BadInput;
            }
            var folder = r.GetValue(dir) ?? Directory.CreateTempSubdirectory("hypertune-bench-engine-").FullName;
            Console.Out.WriteLine($"{"study",-26} {"trials/s",9} {"start s",7} {"first ms",9} {"last ms",8} " +
                                  $"{"growth",6} {"peak MB",7} {"wall s",7} {"cpu s",6}");
            var results = new List<(EngineCase Case, EngineFigures Ours, EngineFigures? Optuna)>();
            foreach (var c in cases)
            {
                var ours = await EngineBenchmark.RunAsync(c, folder, ct);
                Console.Out.WriteLine(Row(c.Name, ours));
                EngineFigures? theirs = null;
                if (r.GetValue(optuna) && (theirs = await EngineBenchmark.OptunaAsync(c, folder, Console.Error, ct))
                    is { } o)
                    Console.Out.WriteLine(Row("  optuna 3.1", o) + Invariant($"   ours/optuna {ours.TrialsPerSecond / o.TrialsPerSecond:0.0}x"));
                results.Add((c, ours, theirs));
            }
            foreach (var line in Goals(results)) Console.Out.WriteLine(line);
            if (r.GetValue(output) is { } path) File.WriteAllText(path, ToJson(results));
            if (r.GetValue(dir) is null) TryDelete(folder);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Every combination of the lists, smallest studies first.</summary>
    /// <exception cref="FormatException">A value that is not one of the known ones.</exception>
    internal static List<EngineCase> Cases(string trials, string optimizers, string storages, string parallelism)
    {
        var sizes = Numbers(trials, "--trials");
        var widths = Numbers(parallelism, "--parallelism");
        var kinds = Names(optimizers, "--optimizers", "random", "tpe");
        var stores = Names(storages, "--storages", "memory", "sqlite");
        return (from n in sizes from s in stores from o in kinds from p in widths select new EngineCase(n, o, s, p))
            .ToList();
    }

    /// <summary>The issue's goals, each line saying what was measured against it.</summary>
    internal static IEnumerable<string> Goals(IReadOnlyList<(EngineCase Case, EngineFigures Ours, EngineFigures? Optuna)> results)
    {
        foreach (var (c, ours, theirs) in results)
        {
            if (c is { Optimizer: "random", Storage: "memory" })
                yield return Goal($"{c.Name}: at least 10,000 trials/s", ours.TrialsPerSecond >= 10_000,
                    $"{ours.TrialsPerSecond:0}");
            if (c is { Optimizer: "random", Storage: "sqlite" })
                yield return Goal($"{c.Name}: at least 2,000 trials/s", ours.TrialsPerSecond >= 2_000,
                    $"{ours.TrialsPerSecond:0}");
            if (c is { Optimizer: "tpe", Storage: "sqlite" } && theirs is not null)
                yield return Goal($"{c.Name}: at least 30x Optuna's TPE on SQLite",
                    ours.TrialsPerSecond >= 30 * theirs.TrialsPerSecond,
                    $"{ours.TrialsPerSecond / theirs.TrialsPerSecond:0.0}x");
            if (c is { Optimizer: "random" } && c.Trials >= 10_000)
                yield return Goal($"{c.Name}: last tenth's time per trial within 1.5x of the first's",
                    ours.Growth <= 1.5, $"{ours.Growth:0.00}x");
            if (c.Trials >= 100_000 && ours.PeakMb is { } peak)
                yield return Goal($"{c.Name}: peak memory under 500 MB", peak < 500, $"{peak:0} MB");
        }
        if (results.Count > 0)
        {
            var startup = results.Min(x => x.Ours.StartupSeconds);
            yield return Goal("start-up to the first trial under 1 s (fastest study)", startup < 1, $"{startup:0.00} s");
        }
    }

    private static string Goal(string what, bool met, string measured) =>
        $"goal ({what}): {(met ? "met" : "not met")} ({measured})";

    private static string Row(string name, EngineFigures f)
    {
        var peak = f.PeakMb is { } m ? m.ToString("0", CultureInfo.InvariantCulture) : "-";
        var cpu = f.CpuSeconds is { } c ? c.ToString("0.0", CultureInfo.InvariantCulture) : "-";
        return Invariant($"{name,-26} {f.TrialsPerSecond,9:0} {f.StartupSeconds,7:0.00} {f.FirstTenthMs,9:0.000} ") +
               Invariant($"{f.LastTenthMs,8:0.000} {f.Growth,6:0.00} {peak,7} {f.WallSeconds,7:0.0} {cpu,6}");
    }

    private static string ToJson(IEnumerable<(EngineCase Case, EngineFigures Ours, EngineFigures? Optuna)> results)
    {
        static JsonObject Figures(EngineFigures f) => new()
        {
            ["trials"] = f.Trials,
            ["trials_per_second"] = f.TrialsPerSecond,
            ["startup_seconds"] = f.StartupSeconds,
            ["first_tenth_ms"] = f.FirstTenthMs,
            ["last_tenth_ms"] = f.LastTenthMs,
            ["growth"] = f.Growth,
            ["peak_mb"] = f.PeakMb,
            ["wall_seconds"] = f.WallSeconds,
            ["cpu_seconds"] = f.CpuSeconds,
        };
        var cases = new JsonArray();
        foreach (var (c, ours, theirs) in results)
            cases.Add(new JsonObject
            {
                ["trials"] = c.Trials,
                ["optimizer"] = c.Optimizer,
                ["storage"] = c.Storage,
                ["parallelism"] = c.Parallelism,
                ["ours"] = Figures(ours),
                ["optuna"] = theirs is null ? null : Figures(theirs),
            });
        return new JsonObject { ["cases"] = cases }.ToJsonString(new System.Text.Json.JsonSerializerOptions
        {
            WriteIndented = true,
        });
    }

    private static List<int> Numbers(string text, string option) => text.Split(',', StringSplitOptions.TrimEntries)
        .Select(x => int.TryParse(x, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new FormatException($"{option}: '{x}' is not a positive whole number")).ToList();

    private static List<string> Names(string text, string option, params string[] known) =>
        text.Split(',', StringSplitOptions.TrimEntries).Select(x => known.Contains(x)
            ? x
            : throw new FormatException($"{option}: unknown '{x}'; known: {string.Join(", ", known)}")).ToList();

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
