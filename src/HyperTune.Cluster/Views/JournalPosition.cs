using System.Data.Common;
using System.Globalization;
using HyperTune.Cluster.Hosting;
using HyperTune.Cluster.Studies;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace HyperTune.Cluster.Views;

/// <summary>
/// Where a study's journal ends: a view whose version is below it lags (its node stopped between a write to the
/// journal and the next view write, e.g. killed), and a reader that must be exact reads the journal instead.
/// </summary>
public static class JournalPosition
{
    /// <summary>The journal table of Akka.Persistence.Sql, as the node's storage config creates it.</summary>
    public const string JournalTable = "journal";

    /// <summary>
    /// The last sequence number of <paramref name="studyId"/>'s coordinator in the journal, or null when the journal
    /// has none (no such study, or no journal table yet). Reads only.
    /// </summary>
    /// <exception cref="StoreUnreadableException">The journal cannot be read.</exception>
    public static async Task<long?> LastAsync(StorageSpec storage, string studyId, CancellationToken cancellationToken)
    {
        DbConnection connection = storage.Kind switch
        {
            StorageKind.Postgres => new NpgsqlConnection(new NpgsqlConnectionStringBuilder(storage.ConnectionString)
            {
                Timeout = 10,
                CommandTimeout = 10,
            }.ConnectionString),
            StorageKind.Sqlite => new SqliteConnection(new SqliteConnectionStringBuilder(storage.ConnectionString)
            {
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
                DefaultTimeout = 10,
            }.ConnectionString),
            _ => throw new ArgumentException("an in-memory store has no journal to read", nameof(storage)),
        };
        try
        {
            await using (connection)
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                await using var command = connection.CreateCommand();
                command.CommandText =
                    $"SELECT MAX(sequence_number) FROM {JournalTable} WHERE persistence_id = @id";
                var parameter = command.CreateParameter();
                parameter.ParameterName = "id";
                parameter.Value = StudyCoordinator.PersistenceIdOf(studyId);
                command.Parameters.Add(parameter);
                var answer = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                return answer is null or DBNull ? null : Convert.ToInt64(answer, CultureInfo.InvariantCulture);
            }
        }
        catch (DbException e) when (IsMissingTable(e))
        {
            return null;
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or TimeoutException or IOException)
        {
            throw new StoreUnreadableException($"cannot read the journal of {Describe(storage)}: " +
                                               e.GetBaseException().Message, e);
        }
    }

    private static bool IsMissingTable(DbException e) =>
        e is PostgresException { SqlState: PostgresErrorCodes.UndefinedTable }
        || (e is SqliteException && e.Message.Contains("no such table", StringComparison.OrdinalIgnoreCase));

    private static string Describe(StorageSpec storage) => storage.Kind == StorageKind.Sqlite
        ? new SqliteConnectionStringBuilder(storage.ConnectionString).DataSource
        : "the PostgreSQL store";
}
