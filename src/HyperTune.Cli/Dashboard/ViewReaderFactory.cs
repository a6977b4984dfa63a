using HyperTune.Cluster.Hosting;
using HyperTune.Cluster.Views;

namespace HyperTune.Cli.Dashboard;

/// <summary>Opens the read model of a study store, for <c>hypertune dashboard</c> and the node's dashboard.</summary>
internal static class ViewReaderFactory
{
    /// <summary>
    /// A reader of <paramref name="storage"/>'s read model, or null when this build cannot read that kind of store's
    /// read model (then <c>hypertune dashboard</c> says so and a node serves no dashboard). It must not create or
    /// change the store: the dashboard only reads.
    /// </summary>
    /// <exception cref="StoreUnreadableException">The store exists but cannot be read; the message names
    /// it.</exception>
    public static IStudyViewReader? Open(StorageSpec storage) =>
        // A memory store's views live in the process that runs it (InMemoryStudyViews): another cannot read them.
        storage.Kind == StorageKind.Memory || storage is { Kind: StorageKind.Sqlite, InMemorySqlite: true }
            ? null
            : SqlStudyViews.For(storage, readOnly: true);
}
