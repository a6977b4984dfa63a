using HyperTune.Cluster.Hosting;

namespace HyperTune.Cli.Commands.Bench;

/// <summary>
/// The embedded one-node cluster a benchmark runs real studies on: a temporary folder with its SQLite store, log and
/// checkpoints, deleted when the benchmark ends.
/// </summary>
internal static class BenchNode
{
    /// <summary>Starts a node storing in <paramref name="dir"/>, with <paramref name="slots"/> and extra HOCON.</summary>
    public static Task<HyperTuneNode> StartAsync(string dir, int slots, string? extraHocon, CancellationToken ct) =>
        HyperTuneNode.StartAsync(new NodeOptions
        {
            Embedded = true,
            Storage = StorageSpec.SqliteFile(Path.Combine(dir, "hypertune.db")),
            Port = 0,
            RememberStudies = false,
            Slots = slots,
            LogFile = Path.Combine(dir, "hypertune.log"),
            ExtraHocon = "hypertune.worker.checkpoint-root = " + StorageSpec.Quote(Path.Combine(dir, "checkpoints")) +
                         // A benchmark refits (and times) the best trial itself, if at all.
                         "\nhypertune.study.refit-when-finished = off" +
                         (extraHocon is null ? "" : "\n" + extraHocon),
        }, ct);

    /// <summary>Deletes the benchmark's folder; one left behind is harmless.</summary>
    public static void DeleteDirectory(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // A temporary directory left behind is harmless.
        }
    }
}
