using System.CommandLine;
using HyperTune.Cluster.Hosting;
using Microsoft.Data.Sqlite;

namespace HyperTune.Cli.Commands;

/// <summary>The <c>--storage</c> option shared by commands that open a study store, and where local files go.</summary>
internal static class StorageOption
{
    /// <summary>Creates the option.</summary>
    public static Option<string?> Create() => new("--storage")
    {
        Description = "Where studies are stored: memory, sqlite:PATH (default sqlite:" + StorageSpec.DefaultSqlitePath + ") or postgres:CONNECTION-STRING",
    };

    /// <summary>Resolves the storage: the option, then the spec's <c>storage</c>, then the default SQLite file.</summary>
    /// <exception cref="FormatException">The text names no known storage.</exception>
    public static StorageSpec Resolve(string? option, string? fromSpec) =>
        option is not null ? StorageSpec.Parse(option)
        : fromSpec is not null ? StorageSpec.Parse(fromSpec)
        : StorageSpec.SqliteFile(StorageSpec.DefaultSqlitePath);

    /// <summary>
    /// The store a command that only reads opens, or null after saying on <paramref name="error"/> why it cannot:
    /// an unknown storage, an in-memory one (it holds nothing between runs), or an SQLite file that does not exist
    /// (opening it would create an empty store, and its folder, as a side effect of a read).
    /// </summary>
    public static StorageSpec? ForReading(string? option, TextWriter error)
    {
        StorageSpec storage;
        try
        {
            storage = Resolve(option, null);
        }
        catch (FormatException e)
        {
            error.WriteLine($"error: --storage: {e.Message}");
            return null;
        }
        if (storage.Kind == StorageKind.Memory || storage is { Kind: StorageKind.Sqlite, InMemorySqlite: true })
        {
            error.WriteLine("error: an in-memory store holds nothing between runs; " +
                            "use --storage sqlite:PATH or postgres:...");
            return null;
        }
        if (MissingSqliteFile(storage) is { } missing)
        {
            error.WriteLine($"error: --storage: no store at {missing} (a study run with that storage creates it)");
            return null;
        }
        return storage;
    }

    /// <summary>
    /// What is wrong with an SQLite store's journal file, or null when SQLite's quick check finds it sound (and for
    /// other stores). Reads only.
    /// </summary>
    public static string? DamagedSqliteFile(StorageSpec storage)
    {
        if (SqliteFile(storage) is not { } path) return null;
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
                DefaultTimeout = 10,
            }.ConnectionString);
            connection.Open();
            using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA quick_check(1)";
            var answer = check.ExecuteScalar() as string;
            return answer == "ok" ? null : $"the store {path} is damaged (SQLite: {answer})";
        }
        catch (SqliteException e)
        {
            return $"the store {path} cannot be read (SQLite: {e.Message})";
        }
    }

    /// <summary>
    /// The file of an SQLite store that does not exist yet, or null (another kind of store, an in-memory SQLite
    /// database, or a file that exists). Commands that only read must not create it.
    /// </summary>
    public static string? MissingSqliteFile(StorageSpec storage) =>
        SqliteFile(storage) is { } path && !File.Exists(path) ? path : null;

    /// <summary>Where logs and checkpoints go: beside an SQLite file, else <c>hypertune-data</c>.</summary>
    public static string DataDirectory(StorageSpec storage) =>
        SqliteFile(storage) is { } path && Path.GetDirectoryName(path) is { } dir ? dir : Path.GetFullPath("hypertune-data");

    /// <summary>The full path of an SQLite store's file, or null for other stores and in-memory SQLite databases.</summary>
    private static string? SqliteFile(StorageSpec storage)
    {
        if (storage.Kind != StorageKind.Sqlite) return null;
        var source = new SqliteConnectionStringBuilder(storage.ConnectionString).DataSource;
        return source.Contains("mode=memory", StringComparison.OrdinalIgnoreCase) ? null : Path.GetFullPath(source);
    }
}
