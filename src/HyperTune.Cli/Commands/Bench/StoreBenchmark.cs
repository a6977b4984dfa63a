using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json.Nodes;
using HyperTune.Cluster.Hosting;
using HyperTune.Cluster.Studies;
using HyperTune.Cluster.Views;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;

namespace HyperTune.Cli.Commands.Bench;

/// <summary>
/// Builds a local store's read model of many studies (made-up trials, written through the real writer and documents)
/// and times the read-only commands as a user runs them: separate <c>hypertune</c> processes, start-up included.
/// </summary>
internal static class StoreBenchmark
{
    /// <summary>The commands timed, with <c>ID</c> for the first study's id.</summary>
    public static readonly IReadOnlyList<string[]> Commands = new[]
    {
        new[] { "study", "list" },
        new[] { "study", "show", "ID" },
        new[] { "study", "best", "ID" },
        new[] { "study", "trials", "ID", "--json" },
        new[] { "study", "export", "ID", "--csv" },
    };

    /// <summary>
    /// Writes <paramref name="studies"/> studies of <paramref name="trials"/> trials into a new store.
    /// </summary>
    /// <returns>The store's journal path (an empty journal: these commands read only the read model).</returns>
    public static async Task<string> BuildAsync(string directory, int studies, int trials, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        var journal = Path.Combine(directory, "bench.db");
        File.WriteAllBytes(journal, Array.Empty<byte>());
        var writer = SqlStudyViews.For(StorageSpec.SqliteFile(journal), readOnly: false);
        for (var s = 0; s < studies; s++)
        {
            var report = Report($"study-{s:000}", trials, s);
            await writer.WriteAsync(StudyViewProjection.Study(report, trials * 4L, DateTimeOffset.UtcNow),
                StudyViewProjection.Trials(report, report.Trials!, trials * 4L), ct);
        }
        return journal;
    }

    /// <summary>Wall-clock seconds of each run of <paramref name="args"/> as a child process.</summary>
    /// <exception cref="InvalidOperationException">The command failed.</exception>
    public static async Task<IReadOnlyList<double>> TimeAsync(string[] args, int repeat, CancellationToken ct)
    {
        var times = new List<double>();
        for (var i = 0; i < repeat; i++)
        {
            var psi = BenchProcess.Self();
            foreach (var a in args) psi.ArgumentList.Add(a);
            psi.RedirectStandardOutput = true;
            psi.RedirectStandardError = true;
            var watch = Stopwatch.StartNew();
            using var process = Process.Start(psi)!;
            var output = process.StandardOutput.ReadToEndAsync(ct);
            var error = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            watch.Stop();
            await output;
            if (process.ExitCode != 0)
                throw new InvalidOperationException(
                    $"`hypertune {string.Join(' ', args)}` exited {process.ExitCode}: {(await error).Trim()}");
            times.Add(watch.Elapsed.TotalSeconds);
        }
        return times;
    }

    /// <summary>Runs Optuna's CLI on a store of the same shape (built once, kept in the directory).</summary>
    /// <returns>Optuna's figures, or null with the reason on <paramref name="log"/> when Python or Optuna is missing.
    /// </returns>
    public static async Task<JsonObject?> OptunaAsync(string directory, int studies, int trials, int repeat,
        TextWriter log, CancellationToken ct)
    {
        var answer = await BenchProcess.RunPythonAsync("optuna_store.py", directory,
            new[] { Path.Combine(directory, $"optuna-{studies}x{trials}.db"), studies.ToString(), trials.ToString(),
                repeat.ToString() }, "optuna", log, ct);
        return answer?.AsObject();
    }

    /// <summary>
    /// A finished study of <paramref name="trials"/> complete trials, each with five intermediate values.
    /// </summary>
    private static StudyProtocol.StudyReport Report(string id, int trials, int seed)
    {
        var created = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero).AddHours(seed);
        var random = new Random(seed);
        var records = Enumerable.Range(0, trials).Select(i =>
        {
            var value = random.NextDouble() * 100;
            return new TrialRecord(i, TrialState.Complete, Configuration.From(new Dictionary<string, object>
            {
                ["lr"] = Math.Exp(random.NextDouble() * -11),
                ["depth"] = (long)random.Next(1, 13),
                ["booster"] = new[] { "gbtree", "dart", "linear" }[random.Next(3)],
            }))
            {
                Value = value,
                Metrics = ImmutableDictionary<string, double>.Empty.Add("loss", value),
                Intermediate = Enumerable.Range(1, 5).Select(step => new IntermediateValue(step, value + 10.0 / step))
                    .ToImmutableList(),
                StartedAt = created.AddSeconds(i),
                FinishedAt = created.AddSeconds(i + 0.8),
            };
        }).ToList();
        var best = records.MinBy(t => t.Value)!;
        var progress = new StudyProgress(id, id, StudyStatus.Finished, StudyState.BudgetReached,
            StudyDirection.Minimize, "loss", trials, 4, trials, 0, 0, 0, 0,
            new TrialSummary(best.Number, best.Value!.Value, best.Params), created, created.AddSeconds(trials))
        {
            Steps = trials * 5L,
        };
        return new StudyProtocol.StudyReport(progress, records)
        {
            Rungs = Array.Empty<Core.Schedulers.RungSummary>(),
            FinalStep = 5,
        };
    }
}
