using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Mapping;

namespace HyperTune.Cluster.Hosting;

/// <summary>
/// Runs one small linq2db query on an SQLite store in the background while the actor system starts: the
/// persistence plugin's first query otherwise compiles linq2db's query pipeline (well over a second of JIT on a
/// small machine) after the system is up, delaying a study's first trial; done beside the system's own start, the
/// plugin finds most of it compiled. The query runs on a database in memory, so the store's file is not touched
/// while it is being prepared.
/// </summary>
internal static class SqlPluginWarmup
{
    /// <summary>
    /// Starts the warm-up (a no-op for other stores) and returns it, for whoever wants to wait; it never fails.
    /// </summary>
    public static Task Start(StorageSpec storage)
    {
        if (storage.Kind != StorageKind.Sqlite) return Task.CompletedTask;
        return Task.Run(async () =>
        {
            try
            {
                await using var db = new DataConnection(new DataOptions()
                    .UseConnectionString(storage.ProviderName, "Data Source=:memory:"));
                var name = "journal";
                var query = db.GetTable<SchemaEntry>().Where(e => e.Name == name && e.Type == "table")
                    .Select(e => e.Name);
                await LinqToDB.Async.AsyncExtensions.FirstOrDefaultAsync(query).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Only a warm-up: the plugin reports any real problem with the store itself.
            }
        });
    }

    [Table("sqlite_master")]
    private sealed class SchemaEntry
    {
        [Column("name")] public string Name { get; set; } = "";

        [Column("type")] public string Type { get; set; } = "";
    }
}
