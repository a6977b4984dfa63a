using HyperTune.Cluster.Hosting;
using Microsoft.Data.Sqlite;

namespace HyperTune.Cluster.Tests;

/// <summary>
/// A private in-memory SQLite database for one test: shared-cache memory databases live as long as one connection
/// to them is open, so the fixture holds one for the test's lifetime.
/// </summary>
public sealed class SqliteMemoryDatabase : IDisposable
{
    private readonly SqliteConnection _keepAlive;

    public SqliteMemoryDatabase()
    {
        ConnectionString = $"Filename=file:hypertune-{Guid.NewGuid():N}?mode=memory&cache=shared";
        _keepAlive = new SqliteConnection(ConnectionString);
        _keepAlive.Open();
    }

    public string ConnectionString { get; }

    public StorageSpec Storage => new(StorageKind.Sqlite, ConnectionString);

    /// <summary>The rows of the journal table: tests that must write nothing assert it stays 0.</summary>
    public long JournalRows()
    {
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM journal";
        return (long)count.ExecuteScalar()!;
    }

    public void Dispose() => _keepAlive.Dispose();
}
