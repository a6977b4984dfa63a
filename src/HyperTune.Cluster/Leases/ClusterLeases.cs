using Akka.Actor;
using Akka.Remote;

namespace HyperTune.Cluster.Leases;

/// <summary>
/// The node's lease store, an actor-system extension: PostgreSQL when the cluster stores its studies there
/// (<c>hypertune.lease.store = postgres</c>), otherwise none. One-node stores (SQLite, memory) need no leases:
/// the process's claim on the store already excludes a second writer.
/// </summary>
public sealed class ClusterLeases : IExtension
{
    /// <summary>Reads the config of <paramref name="system"/>.</summary>
    public ClusterLeases(ExtendedActorSystem system)
    {
        var config = system.Settings.Config;
        var kind = config.GetString("hypertune.lease.store", "none");
        Store = kind switch
        {
            "none" => null,
            "memory" => new InMemoryLeaseStore(),
            "postgres" => new PostgresLeaseStore(
                config.GetString("hypertune.lease.connection-string", ""),
                config.GetString("hypertune.lease.table", "hypertune_leases"),
                config.GetTimeSpan("hypertune.lease.operation-timeout", TimeSpan.FromSeconds(5))),
            _ => throw new Akka.Configuration.ConfigurationException(
                $"hypertune.lease.store '{kind}' is unknown; use none, postgres or memory"),
        };
        if (Store is IDisposable disposable) system.RegisterOnTermination(disposable.Dispose);
        StudySettings = StudyLeaseSettings.From(config);
        var address = system.Provider.DefaultAddress;
        NodeOwner = $"{address.Host}:{address.Port}#{AddressUidExtension.Uid(system)}";
        IsReachableMember = ReachableMembers.Of(system);
    }

    /// <summary>
    /// Whether a split-brain resolver lease holder is a member this node reaches (<see cref="ReachableMembers"/>);
    /// replaced by tests that have no cluster.
    /// </summary>
    public Func<string, bool> IsReachableMember { get; internal set; }

    /// <summary>The store, or null when this node's storage needs no leases.</summary>
    public ILeaseStore? Store { get; }

    /// <summary>The per-study lease settings.</summary>
    public StudyLeaseSettings StudySettings { get; }

    /// <summary>This node incarnation as a lease holder: host:port#uid (a restarted node is another holder).</summary>
    public string NodeOwner { get; }

    /// <summary>The extension of <paramref name="system"/>.</summary>
    public static ClusterLeases Get(ActorSystem system) => system.WithExtension<ClusterLeases, ClusterLeasesProvider>();
}
