using HyperTune.Cluster.Hosting;
using HyperTune.Cluster.Workers;

namespace HyperTune.Cluster.Checkpoints;

/// <summary>Creates the checkpoint store a node's config names (<c>hypertune.worker.checkpoint-store</c>).</summary>
public static class CheckpointStores
{
    /// <summary>The store for <paramref name="settings"/> on a node storing in <paramref name="storage"/>.</summary>
    /// <exception cref="ArgumentException">An unknown kind, or <c>database</c> on an in-memory store.</exception>
    public static ICheckpointStore Create(WorkerSettings settings, StorageSpec storage) =>
        settings.CheckpointStore.ToLowerInvariant() switch
        {
            "directory" => new DirectoryCheckpointStore(settings.CheckpointRoot),
            "database" => new DatabaseCheckpointStore(storage),
            var other => throw new ArgumentException(
                $"hypertune.worker.checkpoint-store: unknown store '{other}'; known: directory, database"),
        };
}
