using System.Text;
using Microsoft.Data.Sqlite;

namespace HyperTune.Cluster.Hosting;

/// <summary>Where studies are persisted.</summary>
public enum StorageKind
{
    /// <summary>In memory: gone when the process ends. For quick runs and tests.</summary>
    Memory,

    /// <summary>An SQLite database file (the single-machine default).</summary>
    Sqlite,

    /// <summary>A PostgreSQL database (for clusters).</summary>
    Postgres,
}

/// <summary>
/// A storage choice as written on the command line or in a spec: <c>memory</c>, <c>sqlite:PATH</c> (or an
/// SQLite connection string after <c>sqlite:</c>), or <c>postgres:CONNECTION-STRING</c>.
/// </summary>
public sealed record StorageSpec(StorageKind Kind, string ConnectionString)
{
    /// <summary>The default database file of <c>hypertune run</c>.</summary>
    public const string DefaultSqlitePath = "hypertune-data/hypertune.db";

    /// <summary>In-memory storage.</summary>
    public static StorageSpec Memory { get; } = new(StorageKind.Memory, "");

    /// <summary>SQLite at a file path.</summary>
    public static StorageSpec SqliteFile(string path) =>
        new(StorageKind.Sqlite, new SqliteConnectionStringBuilder { DataSource = Path.GetFullPath(path), DefaultTimeout = 60 }.ToString());

    /// <summary>Parses a storage text.</summary>
    /// <exception cref="FormatException">The text names no known storage; the message says what is accepted.</exception>
    public static StorageSpec Parse(string text)
    {
        text = text.Trim();
        if (text.Equals("memory", StringComparison.OrdinalIgnoreCase)) return Memory;
        var colon = text.IndexOf(':');
        var scheme = colon < 0 ? text : text[..colon];
        var rest = colon < 0 ? "" : text[(colon + 1)..];
        switch (scheme.ToLowerInvariant())
        {
            case "sqlite":
                if (rest.Length == 0) throw new FormatException("storage 'sqlite:' needs a file path, e.g. sqlite:hypertune-data/hypertune.db");
                return rest.Contains('=') ? new StorageSpec(StorageKind.Sqlite, rest) : SqliteFile(rest);
            case "postgres":
            case "postgresql":
                if (rest.Length == 0) throw new FormatException("storage 'postgres:' needs a connection string, e.g. postgres:Host=127.0.0.1;Database=hypertune;Username=u;Password=p");
                return new StorageSpec(StorageKind.Postgres, rest);
            default:
                throw new FormatException($"unknown storage '{text}'; use memory, sqlite:PATH or postgres:CONNECTION-STRING");
        }
    }

    /// <summary>The linq2db provider name for Akka.Persistence.Sql.</summary>
    public string ProviderName => Kind switch
    {
        StorageKind.Sqlite => "SQLite.MS",
        StorageKind.Postgres => "PostgreSQL.15",
        _ => "",
    };

    /// <summary>
    /// Prepares the database before the actor system uses it: creates an SQLite file's directory and switches the
    /// file to write-ahead logging, so readers never block the journal's writer; checks that a PostgreSQL server
    /// accepts a connection, so a wrong address fails at once with the driver's reason.
    /// </summary>
    /// <exception cref="StorageUnreachableException">PostgreSQL could not be reached (it may be down or starting).</exception>
    /// <exception cref="IOException">PostgreSQL refused the connection (credentials, database).</exception>
    public void Prepare()
    {
        if (Kind == StorageKind.Postgres)
        {
            CheckPostgres();
            return;
        }
        if (Kind != StorageKind.Sqlite) return;
        if (InMemorySqlite) return;
        var dir = Path.GetDirectoryName(Path.GetFullPath(new SqliteConnectionStringBuilder(ConnectionString).DataSource));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        foreach (var file in new[] { ConnectionString, SnapshotConnectionString })
        {
            using var connection = new SqliteConnection(file);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL;";
            command.ExecuteNonQuery();
        }
    }

    private void CheckPostgres()
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
        try
        {
            using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
            connection.Open();
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            var message = $"cannot connect to PostgreSQL at {builder.Host}:{builder.Port} (database {builder.Database}, user {builder.Username}): " +
                          e.GetBaseException().Message;
            // The server answered with an error of its own: only "starting up", "shutting down" and "too many
            // connections" may pass by themselves; a wrong password or a missing database will not.
            var transient = e is not Npgsql.PostgresException pg || pg.SqlState is "57P03" or "57P01" or "53300";
            throw transient ? new StorageUnreachableException(message, e) : new IOException(message, e);
        }
    }

    /// <summary>
    /// Takes this process's exclusive claim on an SQLite store (a lock file beside the database), so two node
    /// processes never write one journal at once, which would make both fail on every clash. Null for other stores.
    /// </summary>
    /// <exception cref="IOException">Another process holds the store; the message says which.</exception>
    public IDisposable? Claim()
    {
        if (Kind != StorageKind.Sqlite) return null;
        var source = new SqliteConnectionStringBuilder(ConnectionString).DataSource;
        if (source.Contains("mode=memory", StringComparison.OrdinalIgnoreCase)) return null;
        var lockPath = Path.GetFullPath(source) + ".lock";
        Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
        // The lock (an exclusive flock, released by the OS even on kill -9) and, beside it, who holds it: a locked
        // file cannot be read by others, so the holder's pid goes to a plain file.
        var ownerPath = Path.GetFullPath(source) + ".owner";
        FileStream stream;
        try
        {
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException)
        {
            var holder = File.Exists(ownerPath) ? $"process {File.ReadAllText(ownerPath).Trim()}" : "another process";
            throw new IOException($"the store {source} is in use by {holder} (a running hypertune run or node); " +
                                  "wait for it, or look at it with `hypertune study show --storage ...`, which only reads");
        }
        File.WriteAllText(ownerPath, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new StoreClaim(stream, ownerPath);
    }

    private sealed class StoreClaim(FileStream lockStream, string ownerPath) : IDisposable
    {
        public void Dispose()
        {
            try
            {
                File.Delete(ownerPath);
            }
            catch (IOException)
            {
            }
            lockStream.Dispose();
        }
    }

    /// <summary>
    /// How long PostgreSQL keeps a journal session that sits inside an open transaction before it ends it (and rolls
    /// the transaction back), unless the connection string sets <c>idle_in_transaction_session_timeout</c> itself.
    /// </summary>
    /// <remarks>
    /// A coordinator node frozen (SIGSTOP, a VM pause) between its INSERT and its COMMIT keeps the row lock of the
    /// study's next sequence number: the node that takes the study over then blocks on that lock, times out, recovers
    /// and blocks again for as long as the freeze lasts (seen in the integration suite under heavy load). Ending such
    /// a session frees the lock; the frozen node's write fails when it thaws, and its study lease has gone anyway.
    /// Journal transactions last milliseconds, so 10 s never ends a healthy one.
    /// </remarks>
    public static readonly TimeSpan JournalIdleInTransactionTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The connection string the journal and snapshot store use: for PostgreSQL, <see cref="ConnectionString"/> with
    /// <see cref="JournalIdleInTransactionTimeout"/> added to its startup options (unless it sets one).
    /// </summary>
    public string JournalConnectionString
    {
        get
        {
            if (Kind != StorageKind.Postgres) return ConnectionString;
            var builder = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
            if (builder.Options?.Contains("idle_in_transaction_session_timeout", StringComparison.OrdinalIgnoreCase) == true)
                return ConnectionString;
            var option = $"-c idle_in_transaction_session_timeout={(long)JournalIdleInTransactionTimeout.TotalMilliseconds}";
            builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? option : builder.Options + " " + option;
            return builder.ConnectionString;
        }
    }

    /// <summary>
    /// The connection string the snapshot store uses: for an SQLite file, a file of its own beside the journal's
    /// (<c>NAME.snapshots.EXT</c>); otherwise <see cref="JournalConnectionString"/>.
    /// </summary>
    /// <remarks>
    /// SQLite lets one connection write a file at a time, and Microsoft.Data.Sqlite retries a writer that finds the
    /// file busy only after sleeping 150 ms. A snapshot written while the journal wrote (or the reverse) thus held a
    /// study's next write back by 150 ms or more, every 200 events: the pauses that kept slots idle in
    /// <c>hypertune bench lifecycle</c>. Snapshots in their own file never wait for the journal. Snapshots an older
    /// version kept in the journal's file are no longer read; recovery then replays the journal, which is complete.
    /// </remarks>
    public string SnapshotConnectionString
    {
        get
        {
            if (Kind != StorageKind.Sqlite) return JournalConnectionString;
            if (InMemorySqlite) return ConnectionString;
            var builder = new SqliteConnectionStringBuilder(ConnectionString);
            builder.DataSource = SnapshotPathOf(builder.DataSource);
            return builder.ToString();
        }
    }

    /// <summary>The snapshot file that goes with an SQLite journal file: <c>a/b.db</c> gives <c>a/b.snapshots.db</c>.</summary>
    public static string SnapshotPathOf(string journalPath) => SiblingPathOf(journalPath, "snapshots");

    /// <summary>
    /// A file of its own beside an SQLite journal file, for data whose large writes would hold the journal's write
    /// lock: <c>a/b.db</c> and <c>snapshots</c> give <c>a/b.snapshots.db</c>.
    /// </summary>
    public static string SiblingPathOf(string journalPath, string purpose)
    {
        var extension = Path.GetExtension(journalPath);
        return journalPath[..^extension.Length] + "." + purpose + extension;
    }

    /// <summary>The id (config path) of the SQL journal plugin a database store uses.</summary>
    public const string JournalPlugin = "akka.persistence.journal.sql";

    /// <summary>The id (config path) of the SQL snapshot-store plugin a database store uses.</summary>
    public const string SnapshotPlugin = "akka.persistence.snapshot-store.sql";

    /// <summary>The id (config path) of the SQL read-journal plugin a database store uses.</summary>
    public const string QueryPlugin = "akka.persistence.query.journal.sql";

    /// <summary>The HOCON that points Akka.Persistence at this storage.</summary>
    public string ToHocon()
    {
        if (Kind == StorageKind.Memory)
            return $"""
                akka.persistence.journal.plugin = "{InMemoryJournal.PluginId}"
                akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
                {InMemoryJournal.Hocon}
                """;
        var cs = Quote(JournalConnectionString);
        var provider = Quote(ProviderName);
        var snapshots = Quote(SnapshotConnectionString);
        var sqlite = Kind == StorageKind.Sqlite ? SqliteSettings : "";
        return $$"""
            akka.persistence.journal.plugin = "{{JournalPlugin}}"
            {{JournalPlugin}} { connection-string = {{cs}}, provider-name = {{provider}}, auto-initialize = true{{sqlite}} }
            akka.persistence.snapshot-store.plugin = "{{SnapshotPlugin}}"
            {{SnapshotPlugin}} { connection-string = {{snapshots}}, provider-name = {{provider}}, auto-initialize = true{{sqlite}} }
            {{QueryPlugin}} { connection-string = {{cs}}, provider-name = {{provider}}{{sqlite}} }
            """;
    }

    /// <summary>
    /// Settings that keep SQLite's one-writer lock from stalling the journal (see <see cref="SnapshotConnectionString"/>
    /// for what a wait costs): one write at a time, as SQLite allows anyway, and reads in deferred transactions. Akka's
    /// default read transaction begins IMMEDIATE, which takes the write lock: a journal health probe or a replay then
    /// held a study's next write back by 150 ms. In write-ahead-log mode a deferred read sees a consistent snapshot of
    /// committed data without the lock (read-uncommitted only relaxes reads within one shared cache, which a file
    /// store does not use).
    /// </summary>
    private string SqliteSettings =>
        InMemorySqlite ? "" : ", parallelism = 1, read-isolation-level = read-uncommitted";

    /// <summary>An SQLite database in memory (no file): gone with the process.</summary>
    public bool InMemorySqlite
    {
        get
        {
            var builder = new SqliteConnectionStringBuilder(ConnectionString);
            return builder.Mode == SqliteOpenMode.Memory || builder.DataSource.Length == 0 || builder.DataSource == ":memory:" ||
                   builder.DataSource.Contains("mode=memory", StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>A HOCON quoted string.</summary>
    public static string Quote(string value)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in value)
            sb.Append(c switch { '"' => "\\\"", '\\' => "\\\\", '\n' => "\\n", '\r' => "\\r", '\t' => "\\t", _ => c.ToString() });
        return sb.Append('"').ToString();
    }

    /// <summary>A description safe to print (no password).</summary>
    public override string ToString() => Kind switch
    {
        StorageKind.Memory => "memory",
        StorageKind.Sqlite => $"sqlite:{new SqliteConnectionStringBuilder(ConnectionString).DataSource}",
        _ => "postgres:" + string.Join(';', ConnectionString.Split(';').Where(p => !p.TrimStart().StartsWith("Password", StringComparison.OrdinalIgnoreCase))),
    };
}
