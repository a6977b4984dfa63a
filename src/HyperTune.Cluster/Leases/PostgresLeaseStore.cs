using Npgsql;

namespace HyperTune.Cluster.Leases;

/// <summary>
/// Leases in a PostgreSQL table (created on first use): one row per lease name with its owner and its expiry by the
/// database's clock. Taking, renewing and checking happen in one statement each, so two nodes racing for a lease
/// cannot both win.
/// </summary>
public sealed class PostgresLeaseStore : ILeaseStore, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _table;
    private readonly TimeSpan _operationTimeout;
    private readonly SemaphoreSlim _createLock = new(1, 1);
    private volatile bool _created;

    /// <summary>A store on a database.</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="table">The table name (a plain SQL identifier).</param>
    /// <param name="operationTimeout">A statement that takes longer fails.</param>
    public PostgresLeaseStore(string connectionString, string table, TimeSpan operationTimeout)
    {
        _table = Hosting.SqlIdentifier.Require(table, "lease table");
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            CommandTimeout = Math.Max(1, (int)Math.Ceiling(operationTimeout.TotalSeconds)),
            Timeout = Math.Max(1, (int)Math.Ceiling(operationTimeout.TotalSeconds)),
        };
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        _operationTimeout = operationTimeout;
    }

    /// <inheritdoc />
    public Task<LeaseClaim> TryAcquireAsync(string name, string owner, TimeSpan ttl,
        CancellationToken cancellationToken = default) => TakeAsync(name, owner, null, ttl, cancellationToken);

    /// <inheritdoc />
    public Task<LeaseClaim> TryTakeOverAsync(string name, string owner, string from, TimeSpan ttl,
        CancellationToken cancellationToken = default) => TakeAsync(name, owner, from, ttl, cancellationToken);

    private async Task<LeaseClaim> TakeAsync(string name, string owner, string? from, TimeSpan ttl,
        CancellationToken cancellationToken)
    {
        using var timeout = Timeout(cancellationToken);
        await EnsureTableAsync(timeout.Token).ConfigureAwait(false);
        await using var connection = await _dataSource.OpenConnectionAsync(timeout.Token).ConfigureAwait(false);
        // Taken when free, expired, already our holder's (a renewal, or a restarted instance) or held by the owner
        // it is taken over from; any other live lease is left alone.
        await using (var take = new NpgsqlCommand(
                         $"INSERT INTO {_table} AS l (name, owner, expires_at) " +
                         "VALUES (@name, @owner, clock_timestamp() + @ttl) " +
                         "ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at " +
                         "WHERE split_part(l.owner, '/', 1) = split_part(EXCLUDED.owner, '/', 1) " +
                         "OR l.owner = @from OR l.expires_at <= clock_timestamp() RETURNING owner", connection))
        {
            take.Parameters.Add(new NpgsqlParameter("from", NpgsqlTypes.NpgsqlDbType.Text)
            {
                Value = (object?)from ?? DBNull.Value,
            });
            take.Parameters.AddWithValue("name", name);
            take.Parameters.AddWithValue("owner", owner);
            take.Parameters.AddWithValue("ttl", ttl);
            if (await take.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false) is string) return LeaseClaim.Granted;
        }
        await using var holder = new NpgsqlCommand(
            $"SELECT owner, GREATEST(expires_at - clock_timestamp(), interval '0') FROM {_table} WHERE name = @name",
            connection);
        holder.Parameters.AddWithValue("name", name);
        await using var reader = await holder.ExecuteReaderAsync(timeout.Token).ConfigureAwait(false);
        return await reader.ReadAsync(timeout.Token).ConfigureAwait(false)
            ? new LeaseClaim(false, reader.GetString(0), reader.GetFieldValue<TimeSpan>(1))
            : new LeaseClaim(false);
    }

    /// <inheritdoc />
    public async Task<bool> ReleaseAsync(string name, string owner, CancellationToken cancellationToken = default)
    {
        using var timeout = Timeout(cancellationToken);
        await EnsureTableAsync(timeout.Token).ConfigureAwait(false);
        await using var connection = await _dataSource.OpenConnectionAsync(timeout.Token).ConfigureAwait(false);
        await using var delete = new NpgsqlCommand(
            $"DELETE FROM {_table} WHERE name = @name AND owner = @owner", connection);
        delete.Parameters.AddWithValue("name", name);
        delete.Parameters.AddWithValue("owner", owner);
        return await delete.ExecuteNonQueryAsync(timeout.Token).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc />
    public async Task<string?> HolderAsync(string name, CancellationToken cancellationToken = default)
    {
        using var timeout = Timeout(cancellationToken);
        await EnsureTableAsync(timeout.Token).ConfigureAwait(false);
        await using var connection = await _dataSource.OpenConnectionAsync(timeout.Token).ConfigureAwait(false);
        await using var select = new NpgsqlCommand(
            $"SELECT owner FROM {_table} WHERE name = @name AND expires_at > clock_timestamp()", connection);
        select.Parameters.AddWithValue("name", name);
        return await select.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false) as string;
    }

    private CancellationTokenSource Timeout(CancellationToken cancellationToken)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(_operationTimeout);
        return cts;
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (_created) return;
        await _createLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_created) return;
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var create = new NpgsqlCommand(
                $"CREATE TABLE IF NOT EXISTS {_table} " +
                "(name text PRIMARY KEY, owner text NOT NULL, expires_at timestamptz NOT NULL)", connection);
            await Hosting.SqlTables.CreateAsync(create, cancellationToken).ConfigureAwait(false);
            _created = true;
        }
        finally
        {
            _createLock.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _dataSource.Dispose();
        _createLock.Dispose();
    }
}
