using System.Collections.Concurrent;
using Akka;
using Akka.Actor;
using HyperTune.Cluster.Hosting;

namespace HyperTune.Cluster.Views;

/// <summary>
/// A node's read model (an actor-system extension): where its study coordinators write their views, and where its
/// API and dashboard read them. Without one registered (tests of a coordinator alone), coordinators write none.
/// </summary>
public sealed class StudyViewStore : IExtension
{
    /// <summary>Where coordinators write views; null on a node that opened its store read-only.</summary>
    public IStudyViewWriter? Writer { get; private set; }

    /// <summary>Where views are read; null until registered.</summary>
    public IStudyViewReader? Reader { get; private set; }

    private readonly ConcurrentDictionary<Task, bool> _writes = new();

    /// <summary>How long a node that shuts down waits for its coordinators' last view writes.</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The node's read model.</summary>
    public static StudyViewStore Get(ActorSystem system) => system.WithExtension<StudyViewStore, Provider>();

    /// <summary>
    /// Tracks a view write until it ends, so that a node shutting down waits for it: a study's last state (finished)
    /// is written even when the process exits right after the study ends.
    /// </summary>
    public void Track(Task write)
    {
        _writes[write] = true;
        write.ContinueWith(t => _writes.TryRemove(t, out _), TaskScheduler.Default);
    }

    /// <summary>Waits for the tracked writes, at most <paramref name="timeout"/>.</summary>
    public Task DrainAsync(TimeSpan timeout) =>
        Task.WhenAny(Task.WhenAll(_writes.Keys.ToList()), Task.Delay(timeout));

    /// <summary>Registers the read model of <paramref name="storage"/> on a node.</summary>
    public static void Register(ActorSystem system, StorageSpec storage, bool readOnly)
    {
        var store = Get(system);
        // After sharding stopped the coordinators (which start their last writes as they stop).
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate,
            "drain-study-views", async () =>
            {
                await store.DrainAsync(DrainTimeout).ConfigureAwait(false);
                return Done.Instance;
            });
        if (storage.Kind == StorageKind.Memory || storage is { Kind: StorageKind.Sqlite, InMemorySqlite: true })
        {
            var memory = new InMemoryStudyViews();
            store.Reader = memory;
            store.Writer = readOnly ? null : memory;
            return;
        }
        store.Reader = SqlStudyViews.For(storage, readOnly: true);
        store.Writer = readOnly ? null : SqlStudyViews.For(storage, readOnly: false);
    }

    /// <summary>Registers a given reader and writer (tests).</summary>
    public static void Register(ActorSystem system, IStudyViewReader? reader, IStudyViewWriter? writer)
    {
        var store = Get(system);
        store.Reader = reader;
        store.Writer = writer;
    }

    private sealed class Provider : ExtensionIdProvider<StudyViewStore>
    {
        public override StudyViewStore CreateExtension(ExtendedActorSystem system) => new();
    }
}
