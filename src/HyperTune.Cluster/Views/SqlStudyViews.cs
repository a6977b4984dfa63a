using System.Data.Common;
using System.Globalization;
using HyperTune.Cluster.Hosting;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace HyperTune.Cluster.Views;

/// <summary>
/// The read model in SQL tables: <c>hypertune_study_views</c> (a row per study) and <c>hypertune_trial_views</c>
/// (a row per trial), in the study database for PostgreSQL and in a file of their own beside an SQLite journal
/// (<c>NAME.views.db</c>), so that the views' writes never hold the journal's write lock. The writer creates the
/// tables; a reader of a store without them sees no views (<see cref="ExistsAsync"/> tells the two apart).
/// </summary>
public sealed class SqlStudyViews : IStudyViewReader, IStudyViewWriter
{
    /// <summary>The table of study views.</summary>
    public const string StudyTable = "hypertune_study_views";

    /// <summary>The table of trial views.</summary>
    public const string TrialTable = "hypertune_trial_views";

    private readonly Func<DbConnection> _connect;
    private readonly bool _postgres;
    private readonly string _describe;
    private readonly string? _sqliteFile;
    private readonly SemaphoreSlim _createLock = new(1, 1);
    private volatile bool _created;
    private volatile bool _seen;

    private SqlStudyViews(Func<DbConnection> connect, bool postgres, string describe, string? sqliteFile)
    {
        _connect = connect;
        _postgres = postgres;
        _describe = describe;
        _sqliteFile = sqliteFile;
    }

    /// <summary>
    /// The views of <paramref name="storage"/>, for writing (a node) or reading (the CLI, a dashboard).
    /// </summary>
    /// <param name="storage">PostgreSQL or an SQLite file.</param>
    /// <param name="readOnly">Open an SQLite file read-only (a reader must never create or change it).</param>
    /// <param name="timeout">How long a reader waits for the database before it gives up with a clear error.</param>
    /// <exception cref="ArgumentException">An in-memory store (use <see cref="InMemoryStudyViews"/>).</exception>
    public static SqlStudyViews For(StorageSpec storage, bool readOnly, TimeSpan? timeout = null)
    {
        var seconds = (int)Math.Ceiling((timeout ?? TimeSpan.FromSeconds(10)).TotalSeconds);
        switch (storage.Kind)
        {
            case StorageKind.Postgres:
                var pg = new NpgsqlConnectionStringBuilder(storage.ConnectionString)
                {
                    Timeout = Math.Max(1, seconds),
                    CommandTimeout = Math.Max(1, seconds),
                };
                var source = NpgsqlDataSource.Create(pg.ConnectionString);
                return new SqlStudyViews(() => source.CreateConnection(), true,
                    $"the read model in PostgreSQL at {pg.Host}:{pg.Port} (database {pg.Database})", null);
            case StorageKind.Sqlite when !storage.InMemorySqlite:
                var journal = new SqliteConnectionStringBuilder(storage.ConnectionString);
                var file = StorageSpec.SiblingPathOf(Path.GetFullPath(journal.DataSource), "views");
                var builder = new SqliteConnectionStringBuilder(storage.ConnectionString)
                {
                    DataSource = file,
                    DefaultTimeout = Math.Max(1, seconds),
                    Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
                    Pooling = !readOnly,
                };
                var connectionString = builder.ConnectionString;
                return new SqlStudyViews(() => new SqliteConnection(connectionString), false, $"the read model {file}",
                    file);
            default:
                throw new ArgumentException("an in-memory store keeps its views in memory (InMemoryStudyViews)",
                    nameof(storage));
        }
    }

    /// <summary>Where the views are, for messages.</summary>
    public string Describe() => _describe;

    /// <summary>Whether the store has views at all (an older store, or one no node has written to, has none).</summary>
    /// <exception cref="StoreUnreadableException">The database cannot be read.</exception>
    public async Task<bool> ExistsAsync(CancellationToken cancellationToken)
    {
        // Tables, once there, stay: each read after the first that found them asks no more.
        if (_seen || _created) return true;
        if (_sqliteFile is not null && !File.Exists(_sqliteFile)) return false;
        return _seen = await ReadAsync(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = _postgres
                ? $"SELECT to_regclass('{StudyTable}') IS NOT NULL"
                : $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{StudyTable}'";
            var answer = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return answer is bool b ? b : Convert.ToInt64(answer, CultureInfo.InvariantCulture) > 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StudyView>> ListAsync(CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(cancellationToken).ConfigureAwait(false)) return Array.Empty<StudyView>();
        return await ReadAsync(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT study_id, name, status, created_at, updated_at, version, document " +
                                  $"FROM {StudyTable} ORDER BY created_at DESC, study_id";
            return await ReadStudiesAsync(command, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<StudyView?> GetAsync(string studyId, CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(cancellationToken).ConfigureAwait(false)) return null;
        return await ReadAsync(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT study_id, name, status, created_at, updated_at, version, document " +
                                  $"FROM {StudyTable} WHERE study_id = @study";
            Add(command, "study", studyId);
            var found = await ReadStudiesAsync(command, cancellationToken).ConfigureAwait(false);
            return found.Count == 0 ? null : found[0];
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TrialView>> TrialsAsync(string studyId, long sinceVersion,
        CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(cancellationToken).ConfigureAwait(false)) return Array.Empty<TrialView>();
        return await ReadAsync(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT study_id, number, state, value, version, document FROM {TrialTable} " +
                                  "WHERE study_id = @study AND version > @since ORDER BY number";
            Add(command, "study", studyId);
            Add(command, "since", sinceVersion);
            return await ReadTrialsAsync(command, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TrialView>> TrialRowsAsync(string studyId, CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(cancellationToken).ConfigureAwait(false)) return Array.Empty<TrialView>();
        return await ReadAsync(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT number, state, value, version FROM {TrialTable} " +
                                  "WHERE study_id = @study ORDER BY number";
            Add(command, "study", studyId);
            var trials = new List<TrialView>();
            // A row per trial of a study that may hold 100,000: one string per state, not one per row, and a
            // plain Read per row (an await per row cost 0.1-0.2 s more over 100,000 rows in `study show`).
            var states = new Dictionary<string, string>(StringComparer.Ordinal);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (reader.Read())
            {
                var state = reader.GetString(1);
                if (!states.TryGetValue(state, out var shared)) states[state] = shared = state;
                trials.Add(new TrialView(studyId, reader.GetInt32(0), shared,
                    reader.IsDBNull(2) ? null : reader.GetDouble(2), reader.GetInt64(3), ""));
            }
            return (IReadOnlyList<TrialView>)trials;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TrialView>> TrialsAsync(string studyId, IReadOnlyCollection<int> numbers,
        CancellationToken cancellationToken)
    {
        if (numbers.Count == 0 || !await ExistsAsync(cancellationToken).ConfigureAwait(false))
            return Array.Empty<TrialView>();
        return await ReadAsync(async connection =>
        {
            var trials = new List<TrialView>();
            // In chunks: a statement takes a bounded number of parameters.
            foreach (var chunk in numbers.Distinct().Order().Chunk(NumbersPerQuery))
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"SELECT study_id, number, state, value, version, document FROM {TrialTable} " +
                                      $"WHERE study_id = @study AND number IN " +
                                      $"({string.Join(", ", chunk.Select((_, i) => $"@n{i}"))}) ORDER BY number";
                Add(command, "study", studyId);
                for (var i = 0; i < chunk.Length; i++) Add(command, $"n{i}", chunk[i]);
                trials.AddRange(await ReadTrialsAsync(command, cancellationToken).ConfigureAwait(false));
            }
            return (IReadOnlyList<TrialView>)trials;
        }, cancellationToken).ConfigureAwait(false);
    }

    private const int NumbersPerQuery = 500;

    private static async Task<IReadOnlyList<TrialView>> ReadTrialsAsync(DbCommand command,
        CancellationToken cancellationToken)
    {
        var trials = new List<TrialView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            trials.Add(new TrialView(reader.GetString(0), reader.GetInt32(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetDouble(3), reader.GetInt64(4), reader.GetString(5)));
        return trials;
    }

    /// <inheritdoc />
    public async Task WriteAsync(StudyView study, IReadOnlyList<TrialView> trials, CancellationToken cancellationToken)
    {
        await using var connection = _connect();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (!_created) await CreateTablesAsync(connection, cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var upsert = connection.CreateCommand())
        {
            upsert.Transaction = transaction;
            // A view never goes back: a coordinator that lost its study to another node writes no older state.
            upsert.CommandText =
                $"INSERT INTO {StudyTable} (study_id, name, status, created_at, updated_at, version, document) " +
                "VALUES (@study, @name, @status, @created, @updated, @version, @document) " +
                "ON CONFLICT (study_id) DO UPDATE SET name = excluded.name, status = excluded.status, " +
                "created_at = excluded.created_at, updated_at = excluded.updated_at, version = excluded.version, " +
                $"document = excluded.document WHERE {StudyTable}.version <= excluded.version";
            Add(upsert, "study", study.StudyId);
            Add(upsert, "name", study.Name);
            Add(upsert, "status", study.Status);
            Add(upsert, "created", Time(study.CreatedAt));
            Add(upsert, "updated", Time(study.UpdatedAt));
            Add(upsert, "version", study.Version);
            Add(upsert, "document", study.Document);
            if (await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0) return;
        }
        foreach (var trial in trials)
        {
            await using var upsert = connection.CreateCommand();
            upsert.Transaction = transaction;
            upsert.CommandText =
                $"INSERT INTO {TrialTable} (study_id, number, state, value, version, document) " +
                "VALUES (@study, @number, @state, @value, @version, @document) " +
                "ON CONFLICT (study_id, number) DO UPDATE SET state = excluded.state, value = excluded.value, " +
                "version = excluded.version, document = excluded.document";
            Add(upsert, "study", trial.StudyId);
            Add(upsert, "number", trial.Number);
            Add(upsert, "state", trial.State);
            Add(upsert, "value", trial.Value is { } v && double.IsFinite(v) ? v : DBNull.Value);
            Add(upsert, "version", trial.Version);
            Add(upsert, "document", trial.Document);
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string studyId, CancellationToken cancellationToken)
    {
        await using var connection = _connect();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (!_created) await CreateTablesAsync(connection, cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var table in new[] { TrialTable, StudyTable })
        {
            await using var delete = connection.CreateCommand();
            delete.Transaction = transaction;
            delete.CommandText = $"DELETE FROM {table} WHERE study_id = @study";
            Add(delete, "study", studyId);
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes every view (before a rebuild from the journal).</summary>
    public async Task ClearAsync(CancellationToken cancellationToken)
    {
        await using var connection = _connect();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (!_created) await CreateTablesAsync(connection, cancellationToken).ConfigureAwait(false);
        foreach (var table in new[] { TrialTable, StudyTable })
        {
            await using var delete = connection.CreateCommand();
            delete.CommandText = $"DELETE FROM {table}";
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<IReadOnlyList<StudyView>> ReadStudiesAsync(DbCommand command,
        CancellationToken cancellationToken)
    {
        var studies = new List<StudyView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            studies.Add(new StudyView(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                ParseTime(reader.GetString(3)), ParseTime(reader.GetString(4)), reader.GetInt64(5),
                reader.GetString(6)));
        return studies;
    }

    /// <summary>Runs a read, turning any failure of the database into one error that names it.</summary>
    private async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = _connect();
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return await read(connection).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or TimeoutException
                                      or IOException or FormatException or InvalidCastException)
        {
            throw new StoreUnreadableException($"cannot read {_describe}: {e.GetBaseException().Message}", e);
        }
    }

    private async Task CreateTablesAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await _createLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_created) return;
            var real = _postgres ? "DOUBLE PRECISION" : "REAL";
            var statements = new List<string>();
            // Readers in other processes read while a node writes: in write-ahead-log mode they never block it.
            if (!_postgres) statements.Add("PRAGMA journal_mode=WAL");
            statements.Add($"CREATE TABLE IF NOT EXISTS {StudyTable} (study_id TEXT PRIMARY KEY, name TEXT NOT NULL, " +
                           "status TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, " +
                           "version BIGINT NOT NULL, document TEXT NOT NULL)");
            statements.Add($"CREATE TABLE IF NOT EXISTS {TrialTable} (study_id TEXT NOT NULL, " +
                           $"number INTEGER NOT NULL, state TEXT NOT NULL, value {real} NULL, " +
                           "version BIGINT NOT NULL, document TEXT NOT NULL, PRIMARY KEY (study_id, number))");
            statements.Add($"CREATE INDEX IF NOT EXISTS {TrialTable}_version ON {TrialTable} (study_id, version)");
            foreach (var sql in statements)
            {
                await using var create = connection.CreateCommand();
                create.CommandText = sql;
                await SqlTables.CreateAsync(create, cancellationToken).ConfigureAwait(false);
            }
            _created = true;
        }
        finally
        {
            _createLock.Release();
        }
    }

    private static string Time(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
