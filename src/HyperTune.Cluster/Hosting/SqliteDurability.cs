using System.Data.Common;
using Akka.Configuration;
using Akka.Persistence.Sql.Config;
using LinqToDB;

namespace HyperTune.Cluster.Hosting;

/// <summary>
/// How an SQLite store's journal and snapshot connections sync to disk (<c>hypertune.storage.sqlite-synchronous</c>).
/// In write-ahead-log mode, <c>normal</c> syncs the log at checkpoints instead of at every commit: a process killed
/// at any moment (kill -9, a crash) loses nothing committed, and an operating-system crash or power cut may lose the
/// last commits but never corrupts the file (the study then resumes from an earlier trial). <c>full</c> syncs every
/// commit, which costs about a millisecond each on a typical disk: the bound on a one-slot study's trials per second.
/// </summary>
public static class SqliteDurability
{
    /// <summary>The config path of the setting.</summary>
    public const string ConfigPath = "hypertune.storage.sqlite-synchronous";

    /// <summary>
    /// The persistence plugins' connection options for an SQLite store: each connection, once open, is switched to
    /// the configured sync mode. Null for other stores, or when the setting is <c>full</c> (SQLite's default).
    /// </summary>
    /// <exception cref="ConfigurationException">The setting is neither <c>normal</c> nor <c>full</c>.</exception>
    public static MultiDataOptionsSetup? Setup(StorageSpec storage, Config config)
    {
        var mode = config.GetString(ConfigPath, "normal").Trim().ToLowerInvariant();
        if (mode is not ("normal" or "full"))
            throw new ConfigurationException($"{ConfigPath} must be normal or full, not '{mode}'");
        if (storage.Kind != StorageKind.Sqlite || storage.InMemorySqlite || mode == "full") return null;
        var setup = new MultiDataOptionsSetup();
        foreach (var (plugin, connectionString) in new[]
                 {
                     (StorageSpec.JournalPlugin, storage.JournalConnectionString),
                     (StorageSpec.SnapshotPlugin, storage.SnapshotConnectionString),
                     (StorageSpec.QueryPlugin, storage.JournalConnectionString),
                 })
        {
            setup.AddDataOptions(plugin, new DataOptions()
                .UseConnectionString(storage.ProviderName, connectionString)
                .UseAfterConnectionOpened(Synchronous, SynchronousAsync));
        }
        return setup;
    }

    private const string Pragma = "PRAGMA synchronous = NORMAL;";

    private static void Synchronous(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        command.ExecuteNonQuery();
    }

    private static async Task SynchronousAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
