using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace HyperTune.Cli.Commands.Bench;

/// <summary>
/// Runs the studies of `bench engine`: each a `hypertune run` child process on Branin with no training time, so that
/// the engine's own cost decides the time; and, when asked, the same study through Optuna (Debian's python3).
/// </summary>
internal static class EngineBenchmark
{
    /// <summary>Runs one case as `hypertune run` in a folder of its own under <paramref name="directory"/>.</summary>
    /// <exception cref="InvalidOperationException">The run failed.</exception>
    public static async Task<EngineFigures> RunAsync(EngineCase c, string directory, CancellationToken ct)
    {
        var folder = Path.Combine(directory, $"{c.Optimizer}-{c.Storage}-{c.Trials}-x{c.Parallelism}");
        Directory.CreateDirectory(folder);
        var spec = Path.Combine(folder, "spec.json");
        await File.WriteAllTextAsync(spec, Spec(c), ct);
        var psi = BenchProcess.Self();
        foreach (var a in new[]
                 {
                     "run", spec, "--storage", c.Storage == "memory" ? "memory" : $"sqlite:{Path.Combine(folder, "h.db")}",
                     "--max-trials", c.Trials.ToString(CultureInfo.InvariantCulture),
                     "--parallelism", c.Parallelism.ToString(CultureInfo.InvariantCulture), "--json", "--trials",
                 })
            psi.ArgumentList.Add(a);
        psi.WorkingDirectory = folder;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        var started = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        var cpuBefore = ChildCpuTime.Seconds();
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        double? peak = null;
        // Read while it runs: the kernel forgets a process's peak when it exits.
        while (!process.HasExited)
        {
            peak = BenchProcess.PeakMb(process.Id) is { } now ? Math.Max(now, peak ?? 0) : peak;
            await Task.WhenAny(process.WaitForExitAsync(ct), Task.Delay(50, ct));
        }
        await process.WaitForExitAsync(ct);
        watch.Stop();
        var cpu = ChildCpuTime.Between(cpuBefore, ChildCpuTime.Seconds());
        var text = await output;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{c.Name}: `hypertune run` exited {process.ExitCode}: " +
                                                (await error).Trim().Split('\n')[^1]);
        var trials = JsonNode.Parse(text)!["trialList"]!.AsArray()
            .Where(t => t!["startedAt"] is not null && t["finishedAt"] is not null)
            .Select(t => (Time(t!["startedAt"]!), Time(t["finishedAt"]!))).ToList();
        return EngineFigures.From(trials, started, watch.Elapsed.TotalSeconds, peak) with { CpuSeconds = cpu };
    }

    /// <summary>The same study through Optuna; null (with the reason on <paramref name="log"/>) without it.</summary>
    public static async Task<EngineFigures?> OptunaAsync(EngineCase c, string directory, TextWriter log,
        CancellationToken ct)
    {
        var db = Path.Combine(directory, $"optuna-{c.Optimizer}-{c.Trials}-x{c.Parallelism}.db");
        if (File.Exists(db)) File.Delete(db);
        var cpuBefore = ChildCpuTime.Seconds();
        var o = await BenchProcess.RunPythonAsync("optuna_engine.py", directory,
            new[]
            {
                c.Trials.ToString(CultureInfo.InvariantCulture), c.Optimizer, c.Storage == "memory" ? "memory" : db,
                c.Parallelism.ToString(CultureInfo.InvariantCulture),
            }, $"optuna {c.Name}", log, ct);
        return o is null
            ? null
            : new EngineFigures((int)o["trials"]!, (double)o["wall_seconds"]!, (double)o["startup_seconds"]!,
                (double?)o["trials_per_second"] ?? double.PositiveInfinity, (double)o["first_tenth_ms"]!,
                (double?)o["last_tenth_ms"] ?? (double)o["first_tenth_ms"]!, (double?)o["peak_mb"])
            {
                CpuSeconds = ChildCpuTime.Between(cpuBefore, ChildCpuTime.Seconds()),
            };
    }

    /// <summary>Branin with the case's optimizer and no training time: the engine's cost is all there is.</summary>
    private static string Spec(EngineCase c) => $$"""
        {
          "name": "engine-{{c.Optimizer}}",
          "objective": { "metric": "value", "direction": "minimize" },
          "trainable": { "type": "function", "function": "branin" },
          "space": [
            { "name": "x", "type": "float", "low": -5, "high": 10 },
            { "name": "y", "type": "float", "low": 0, "high": 15 }
          ],
          "optimizer": { "type": "{{c.Optimizer}}", "seed": 0 },
          "budget": { "maxTrials": {{c.Trials}}, "parallelism": {{c.Parallelism}} }
        }
        """;

    private static DateTimeOffset Time(JsonNode node) =>
        DateTimeOffset.Parse((string)node!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
