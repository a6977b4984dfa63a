using Akka.Configuration;
using HyperTune.Cluster.Hosting;
using LinqToDB.Data;

namespace HyperTune.Cluster.Tests;

/// <summary>
/// An SQLite store's persistence connections sync as <c>hypertune.storage.sqlite-synchronous</c> says: the options
/// given to Akka.Persistence.Sql open connections to the journal's and the snapshots' files in that mode.
/// </summary>
public sealed class SqliteDurabilityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-sync-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Config Setting(string mode) => ConfigurationFactory.ParseString($"{SqliteDurability.ConfigPath} = {mode}");

    [Fact]
    public void Journal_and_snapshot_connections_open_in_normal_sync_mode_on_their_own_files()
    {
        var storage = StorageSpec.SqliteFile(Path.Combine(_dir, "store.db"));
        storage.Prepare();
        var setup = SqliteDurability.Setup(storage, Setting("normal"));
        Assert.NotNull(setup);
        foreach (var (plugin, file) in new[]
                 {
                     ("akka.persistence.journal.sql", "store.db"),
                     ("akka.persistence.query.journal.sql", "store.db"),
                     ("akka.persistence.snapshot-store.sql", "store.snapshots.db"),
                 })
        {
            Assert.True(setup.TryGetDataOptionsFor(plugin, out var options), plugin);
            using var connection = new DataConnection(options!);
            // 1 is NORMAL; SQLite's default is 2 (FULL).
            Assert.Equal(1L, connection.Execute<long>("PRAGMA synchronous"));
            Assert.EndsWith(file, connection.Execute<string>("SELECT file FROM pragma_database_list WHERE name = 'main'"));
        }
    }

    [Fact]
    public void Full_sync_memory_and_postgres_stores_keep_the_plugins_defaults()
    {
        var file = StorageSpec.SqliteFile(Path.Combine(_dir, "store.db"));
        Assert.Null(SqliteDurability.Setup(file, Setting("full")));
        Assert.Null(SqliteDurability.Setup(StorageSpec.Parse("memory"), Setting("normal")));
        Assert.Null(SqliteDurability.Setup(StorageSpec.Parse("postgres:Host=localhost;Database=x"), Setting("normal")));
    }

    [Fact]
    public void An_unknown_mode_is_refused_with_the_setting_named()
    {
        var file = StorageSpec.SqliteFile(Path.Combine(_dir, "store.db"));
        var e = Assert.Throws<ConfigurationException>(() => SqliteDurability.Setup(file, Setting("sometimes")));
        Assert.Contains(SqliteDurability.ConfigPath, e.Message);
    }
}
