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

    /// <summary>The node's read model.</summary>
    public static StudyViewStore Get(ActorSystem system) => system.WithExtension<StudyViewStore, Provider>();

    /// <summary>Registers the read model of <paramref name="storage"/> on a node.</summary>
    public static void Register(ActorSystem system, StorageSpec storage, bool readOnly)
    {
        var store = Get(system);
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
