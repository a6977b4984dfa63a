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

    public void Dispose() => _keepAlive.Dispose();
}
