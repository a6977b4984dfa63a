using HyperTune.Cluster.Hosting;
using Microsoft.Data.Sqlite;

namespace HyperTune.Cluster.Tests;

public sealed class StorageSpecTests
{
    [Theory]
    [InlineData("/data/hypertune.db", "/data/hypertune.snapshots.db")]
    [InlineData("/data/studies", "/data/studies.snapshots")]
    [InlineData("/data/v1.2/store.sqlite", "/data/v1.2/store.snapshots.sqlite")]
    public void An_sqlite_journal_file_gets_a_snapshot_file_beside_it(string journal, string snapshots) =>
        Assert.Equal(snapshots, StorageSpec.SnapshotPathOf(journal));

    [Fact]
    public void Snapshots_of_an_sqlite_file_store_go_to_their_own_file_and_the_hocon_says_so()
    {
        var storage = StorageSpec.Parse("sqlite:/tmp/x/hypertune.db");
        var snapshots = new SqliteConnectionStringBuilder(storage.SnapshotConnectionString);
        Assert.Equal("/tmp/x/hypertune.snapshots.db", snapshots.DataSource);
        Assert.Equal(60, snapshots.DefaultTimeout);
        Assert.Contains(StorageSpec.Quote(storage.SnapshotConnectionString), storage.ToHocon());
        Assert.Contains(StorageSpec.Quote(storage.JournalConnectionString), storage.ToHocon());
    }

    [Fact]
    public void In_memory_sqlite_and_postgres_keep_snapshots_with_the_journal()
    {
        var shared = new StorageSpec(StorageKind.Sqlite, "Filename=file:t1?mode=memory&cache=shared");
        Assert.Equal(shared.ConnectionString, shared.SnapshotConnectionString);
        var memory = new StorageSpec(StorageKind.Sqlite, "Data Source=:memory:");
        Assert.Equal(memory.ConnectionString, memory.SnapshotConnectionString);
        var postgres = StorageSpec.Parse("postgres:Host=db;Database=h;Username=u");
        Assert.Equal(postgres.JournalConnectionString, postgres.SnapshotConnectionString);
    }
}
