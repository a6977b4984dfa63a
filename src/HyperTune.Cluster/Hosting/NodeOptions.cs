namespace HyperTune.Cluster.Hosting;

/// <summary>How to start a node: network, roles, storage and config. Unset values come from the HOCON config.</summary>
public sealed record NodeOptions
{
    /// <summary>The role of nodes that host study coordinators (and the study registry).</summary>
    public const string CoordinatorRole = "coordinator";

    /// <summary>The actor system (cluster) name; all nodes of a cluster share it.</summary>
    public string SystemName { get; init; } = "hypertune";

    /// <summary>Host name or IP the node binds and advertises.</summary>
    public string? Hostname { get; init; }

    /// <summary>Host name other nodes use to reach this one when it differs from the bound one (containers, NAT).</summary>
    public string? PublicHostname { get; init; }

    /// <summary>TCP port (0 picks a free one).</summary>
    public int? Port { get; init; }

    /// <summary>Seed node addresses (<c>akka.tcp://hypertune@host:port</c>); empty means this node founds the cluster alone.</summary>
    public IReadOnlyList<string> SeedNodes { get; init; } = Array.Empty<string>();

    /// <summary>Roles: <c>coordinator</c>, <c>worker</c>, or both.</summary>
    public IReadOnlyList<string> Roles { get; init; } = new[] { CoordinatorRole, Workers.WorkerDirectory.WorkerRole };

    /// <summary>Trials this node runs at once (overrides <c>hypertune.worker.slots</c>).</summary>
    public int? Slots { get; init; }

    /// <summary>Where studies are persisted.</summary>
    public StorageSpec Storage { get; init; } = StorageSpec.Memory;

    /// <summary>HOCON files, first one winning (each overrides the embedded defaults).</summary>
    public IReadOnlyList<string> ConfigFiles { get; init; } = Array.Empty<string>();

    /// <summary>HOCON that overrides everything else (tests, command-line extras).</summary>
    public string? ExtraHocon { get; init; }

    /// <summary>Whether running studies restart by themselves after a whole-cluster restart (null: from config).</summary>
    public bool? RememberStudies { get; init; }

    /// <summary>Open studies read-only: answer queries, plan and write nothing (for looking at a store).</summary>
    public bool ReadOnly { get; init; }

    /// <summary>
    /// A one-node cluster inside a program (<c>hypertune run</c>, a C# <c>LocalStudy</c>, benchmarks): it has no other
    /// node to hand its studies to, so it stops without waiting for hand-offs (<c>config/embedded-node.conf</c>).
    /// </summary>
    public bool Embedded { get; init; }

    /// <summary>Akka log level (DEBUG, INFO, WARNING, ERROR); null: from config.</summary>
    public string? LogLevel { get; init; }

    /// <summary>Write logs to this file instead of stderr.</summary>
    public string? LogFile { get; init; }

    /// <summary>How long to wait for this node to become a cluster member.</summary>
    public TimeSpan JoinTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
