using System.Data.Common;
using Npgsql;

namespace HyperTune.Cluster.Hosting;

/// <summary>
/// Creating the product's own tables (leases, checkpoints, read model) on first use, from every node.
/// </summary>
public static class SqlTables
{
    /// <summary>
    /// Runs a <c>CREATE ... IF NOT EXISTS</c> statement. Another node creating the same table at the same moment is not
    /// an error: IF NOT EXISTS does not cover a concurrent creation, whose loser breaks the unique index of
    /// PostgreSQL's type names (23505 on pg_type_typname_nsp_index) or finds the table there (42P07).
    /// </summary>
    public static async Task CreateAsync(DbCommand create, CancellationToken cancellationToken)
    {
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e)
            when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable)
        {
        }
    }
}
