using System.Data.Common;
using System.Formats.Tar;
using HyperTune.Cluster.Hosting;
using HyperTune.Cluster.Workers;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace HyperTune.Cluster.Checkpoints;

/// <summary>
/// Copies in the study database (PostgreSQL or SQLite), so that a cluster without a shared file system still moves a
/// population member, or a trial whose node died, to any node: each copy is its directory as a tar archive, in
/// chunks of <see cref="ChunkBytes"/> (one row each) of a table created on first use.
/// </summary>
public sealed class DatabaseCheckpointStore : ICheckpointStore
{
    /// <summary>
    /// Bytes per row: small enough for any driver to move in one piece, large enough to keep rows few.
    /// </summary>
    public const int ChunkBytes = 1 << 20;

    private readonly Func<DbConnection> _connect;
    private readonly string _table;
    private readonly bool _postgres;
    private readonly SemaphoreSlim _createLock = new(1, 1);
    private volatile bool _created;
    // The SQLite file of the copies (null on PostgreSQL): a deletion does not create it.
    private readonly string? _sqliteFile;

    /// <summary>A store in the database of <paramref name="storage"/> (PostgreSQL or an SQLite file).</summary>
    /// <exception cref="ArgumentException">
    /// An in-memory store, or a table name that is not a plain identifier.
    /// </exception>
    public DatabaseCheckpointStore(StorageSpec storage, string table = "hypertune_checkpoints")
    {
        _table = SqlIdentifier.Require(table, "checkpoint table");
        switch (storage.Kind)
        {
            case StorageKind.Postgres:
                var source = NpgsqlDataSource.Create(storage.ConnectionString);
                _connect = () => source.CreateConnection();
                _postgres = true;
                break;
            case StorageKind.Sqlite:
                // A file of their own beside the journal's, as snapshots have: large writes there would hold the
                // journal's write lock.
                var journal = new SqliteConnectionStringBuilder(storage.ConnectionString);
                var connectionString = new SqliteConnectionStringBuilder(storage.ConnectionString)
                {
                    DataSource = StorageSpec.SiblingPathOf(journal.DataSource, "checkpoints"),
                    DefaultTimeout = 30,
                }.ConnectionString;
                _connect = () => new SqliteConnection(connectionString);
                _sqliteFile = new SqliteConnectionStringBuilder(connectionString).DataSource;
                break;
            default:
                throw new ArgumentException(
                    "checkpoints kept in the database need a database: PostgreSQL or an SQLite file, not memory",
                    nameof(storage));
        }
    }

    /// <inheritdoc />
    public string Describe() => $"database table {_table}";

    /// <inheritdoc />
    public async Task KeepAsync(CheckpointKey key, string directory, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"no checkpoint at {directory}");
        using var archive = new MemoryStream();
        await TarFile.CreateFromDirectoryAsync(directory, archive, includeBaseDirectory: false, cancellationToken)
            .ConfigureAwait(false);
        var bytes = archive.ToArray();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (_postgres)
        {
            // Two runs of one trial (a dispatch repeated under load) may keep the same step at once: both would delete
            // nothing and the second insert would break the primary key. The key's lock makes the second wait and
            // then replace the first's copy. (SQLite serializes writers by itself.)
            await using var lockKey = Command(connection, transaction, "SELECT pg_advisory_xact_lock(@lock)", key);
            Add(lockKey, "lock", Core.Randomness.SeededRandom.StableHash(
                $"{_table}/{key.StudyId}/{key.Incarnation}/{key.Trial}/{key.Step}"));
            await lockKey.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
        await using (var delete = Command(connection, transaction,
                         $"DELETE FROM {_table} WHERE study_id = @study AND incarnation = @incarnation " +
                         "AND trial = @trial AND step = @step",
                         key))
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        // An empty directory is one empty chunk, so that it is found again.
        for (var offset = 0; offset == 0 || offset < bytes.Length; offset += ChunkBytes)
        {
            await using var insert = Command(connection, transaction,
                $"INSERT INTO {_table} (study_id, incarnation, trial, step, chunk, data) " +
                "VALUES (@study, @incarnation, @trial, @step, @chunk, @data)", key);
            Add(insert, "chunk", offset / ChunkBytes);
            Add(insert, "data", bytes.AsSpan(offset, Math.Min(ChunkBytes, bytes.Length - offset)).ToArray());
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> RestoreAsync(CheckpointKey key, string directory, CancellationToken cancellationToken)
    {
        using var archive = new MemoryStream();
        await using (var connection = await OpenAsync(cancellationToken).ConfigureAwait(false))
        await using (var select = Command(connection, null,
                         $"SELECT data FROM {_table} WHERE study_id = @study AND incarnation = @incarnation " +
                         "AND trial = @trial AND step = @step ORDER BY chunk", key))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            var found = false;
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                found = true;
                var chunk = (byte[])reader.GetValue(0);
                archive.Write(chunk);
            }
            if (!found) return false;
        }
        // Extracted beside the target and renamed, so a reader never sees half of it; the archive is in memory.
        archive.Position = 0;
        CheckpointDirectories.ReplaceWith(directory,
            temporary => TarFile.ExtractToDirectory(archive, temporary, overwriteFiles: true));
        return true;
    }

    /// <inheritdoc />
    public async Task<long?> LatestAsync(string studyId, string incarnation, int trial, long atMost,
        CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var select = Command(connection, null,
            $"SELECT MAX(step) FROM {_table} WHERE study_id = @study AND incarnation = @incarnation " +
            "AND trial = @trial AND step <= @step", new CheckpointKey(studyId, incarnation, trial, atMost));
        return await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is { } value and not DBNull
            ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)
            : null;
    }

    /// <inheritdoc />
    public async Task DiscardBeforeAsync(string studyId, string incarnation, int trial, long step,
        CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var delete = Command(connection, null,
            $"DELETE FROM {_table} WHERE study_id = @study AND incarnation = @incarnation AND trial = @trial " +
            "AND step < @step", new CheckpointKey(studyId, incarnation, trial, step));
        await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task DiscardIncarnationAsync(string studyId, string incarnation, CancellationToken cancellationToken) =>
        DeleteWhereAsync("study_id = @study AND incarnation = @incarnation", cancellationToken,
            ("study", studyId), ("incarnation", incarnation));

    /// <inheritdoc />
    public Task DeleteStudyAsync(string studyId, CancellationToken cancellationToken) =>
        DeleteWhereAsync("study_id = @study", cancellationToken, ("study", studyId));

    // Deletes the copies a condition selects; an SQLite file never written is not created for it.
    private async Task DeleteWhereAsync(string condition, CancellationToken cancellationToken,
        params (string Name, object Value)[] parameters)
    {
        if (_sqliteFile is not null && !File.Exists(_sqliteFile)) return;
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var delete = connection.CreateCommand();
        delete.CommandText = $"DELETE FROM {_table} WHERE {condition}";
        foreach (var (name, value) in parameters) Add(delete, name, value);
        await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = _connect();
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (!_created) await CreateTableAsync(connection, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task CreateTableAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await _createLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_created) return;
            await using var create = connection.CreateCommand();
            var blob = _postgres ? "bytea" : "BLOB";
            create.CommandText =
                $"CREATE TABLE IF NOT EXISTS {_table} (study_id TEXT NOT NULL, incarnation TEXT NOT NULL, " +
                $"trial INTEGER NOT NULL, step BIGINT NOT NULL, chunk INTEGER NOT NULL, data {blob} NOT NULL, " +
                "PRIMARY KEY (study_id, incarnation, trial, step, chunk))";
            // Every node's first keep comes at a population's first pause: several nodes create it at once.
            await SqlTables.CreateAsync(create, cancellationToken).ConfigureAwait(false);
            _created = true;
        }
        finally
        {
            _createLock.Release();
        }
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, CheckpointKey key)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        Add(command, "study", key.StudyId);
        Add(command, "incarnation", key.Incarnation);
        Add(command, "trial", key.Trial);
        Add(command, "step", key.Step);
        return command;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
