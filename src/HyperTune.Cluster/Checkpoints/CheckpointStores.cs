using HyperTune.Cluster.Hosting;
using HyperTune.Cluster.Workers;

namespace HyperTune.Cluster.Checkpoints;

/// <summary>Creates the checkpoint store a node's config names (<c>hypertune.worker.checkpoint-store</c>).</summary>
public static class CheckpointStores
{
    /// <summary>The store for <paramref name="settings"/> on a node storing in <paramref name="storage"/>.</summary>
    /// <exception cref="ArgumentException">An unknown kind, or <c>database</c> on an in-memory store.</exception>
    public static ICheckpointStore Create(WorkerSettings settings, StorageSpec storage) =>
        Create(settings.CheckpointStore, settings, storage);

    /// <summary>
    /// The stores of a node by name, each created once when first asked for: the node's own
    /// (<paramref name="settings"/>) for null, and the one a study names otherwise.
    /// </summary>
    /// <exception cref="ArgumentException">The node's own store is unknown or cannot be made.</exception>
    public static Func<string?, ICheckpointStore> Resolver(WorkerSettings settings, StorageSpec storage)
    {
        var own = Create(settings, storage);
        var made = new System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<ICheckpointStore>>(
            StringComparer.OrdinalIgnoreCase);
        return name => name is null || string.Equals(name, settings.CheckpointStore, StringComparison.OrdinalIgnoreCase)
            ? own
            : made.GetOrAdd(name, n => new Lazy<ICheckpointStore>(() => Create(n, settings, storage))).Value;
    }

    private static ICheckpointStore Create(string name, WorkerSettings settings, StorageSpec storage) =>
        name.ToLowerInvariant() switch
        {
            "directory" => new DirectoryCheckpointStore(settings.CheckpointRoot),
            "database" => new DatabaseCheckpointStore(storage),
            var other => throw new ArgumentException(
                $"hypertune.worker.checkpoint-store: unknown store '{other}'; known: directory, database"),
        };
}
