using System.Reflection;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Event;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.Singleton;
using Akka.DistributedData;
using Akka.Configuration;
using Akka.Persistence.Sql;
using HyperTune.Cluster.Registry;
using HyperTune.Cluster.Studies;
using HyperTune.Cluster.Workers;

namespace HyperTune.Cluster.Hosting;

/// <summary>
/// A running HyperTune node: an Akka cluster member hosting the study-coordinator region (role
/// <c>coordinator</c>), the trial-worker region (role <c>worker</c>) or both, with persistence configured for the
/// chosen storage. <c>hypertune run</c> starts a one-node cluster of this; <c>hypertune node</c> a member of a
/// larger one.
/// </summary>
public sealed class HyperTuneNode : IAsyncDisposable
{
    // A persistence id nothing is ever written to; recovering it warms the journal up.
    private const string WarmupPersistenceId = "hypertune-journal-warmup";

    /// <summary>The study-coordinator region's type name.</summary>
    public const string StudyRegionName = "study";

    /// <summary>The trial-worker region's type name.</summary>
    public const string WorkerRegionName = "trial-worker";

    /// <summary>The study registry region's type name.</summary>
    public const string RegistryRegionName = "study-registry";

    private readonly Func<string?, Checkpoints.ICheckpointStore> _checkpoints;

    private HyperTuneNode(ActorSystem system, IActorRef studies, IActorRef workers, IActorRef registry, IActorRef slots,
        NodeOptions options, StorageHealth storage, Func<string?, Checkpoints.ICheckpointStore> checkpoints)
    {
        _checkpoints = checkpoints;
        Storage = storage;
        System = system;
        Studies = studies;
        Workers = workers;
        Registry = registry;
        Slots = slots;
        Options = options;
        Limits = SpecLimitsSettings.From(system.Settings.Config);
    }

    /// <summary>The actor system.</summary>
    public ActorSystem System { get; }

    /// <summary>The study region (or proxy): send <see cref="IWithStudyId"/> messages here.</summary>
    public IActorRef Studies { get; }

    /// <summary>The trial-worker region (or proxy).</summary>
    public IActorRef Workers { get; }

    /// <summary>The study registry region (or proxy).</summary>
    public IActorRef Registry { get; }

    /// <summary>This node's slot limiter.</summary>
    public IActorRef Slots { get; }

    /// <summary>What this node last learned about its journal (checked periodically on coordinator nodes).</summary>
    public StorageHealth Storage { get; }

    /// <summary>The options the node started with.</summary>
    public NodeOptions Options { get; }

    /// <summary>The limits a spec submitted through this node must respect (<c>hypertune.limits</c>).</summary>
    public Core.Specs.SpecLimits Limits { get; }

    /// <summary>The node's read model: study and trial views as its coordinators last wrote them.</summary>
    public Views.IStudyViewReader? Views => HyperTune.Cluster.Views.StudyViewStore.Get(System).Reader;

    /// <summary>
    /// Deletes a deleted study's checkpoint copies that this node can reach: under its checkpoint root (all of them
    /// when the root is shared) and, on a database store, in the database.
    /// </summary>
    public async Task DeleteCheckpointsAsync(string studyId, CancellationToken cancellationToken)
    {
        await _checkpoints("directory").DeleteStudyAsync(studyId, cancellationToken).ConfigureAwait(false);
        if (Options.Storage.Kind != StorageKind.Memory)
            await _checkpoints("database").DeleteStudyAsync(studyId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>This node's cluster address.</summary>
    public Address Address => Akka.Cluster.Cluster.Get(System).SelfAddress;

    /// <summary>Completes when the actor system has terminated.</summary>
    public Task WhenTerminated => System.WhenTerminated;

    /// <summary>The embedded default configuration (<c>config/hypertune.defaults.conf</c>).</summary>
    public static Config DefaultConfig() => Embedded("HyperTune.Cluster.hypertune.defaults.conf");

    private static Config Embedded(string resource)
    {
        using var stream = typeof(HyperTuneNode).Assembly.GetManifestResourceStream(resource)
                           ?? throw new InvalidOperationException($"embedded {resource} is missing");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }

    /// <summary>The complete configuration a node with these options runs with.</summary>
    public static Config BuildConfig(NodeOptions options)
    {
        var overrides = new List<string>();
        if (options.Hostname is { } host) overrides.Add($"akka.remote.dot-netty.tcp.hostname = {StorageSpec.Quote(host)}");
        if (options.PublicHostname is { } publicHost) overrides.Add($"akka.remote.dot-netty.tcp.public-hostname = {StorageSpec.Quote(publicHost)}");
        if (options.Port is { } port) overrides.Add($"akka.remote.dot-netty.tcp.port = {port}");
        if (options.Slots is { } slots) overrides.Add($"hypertune.worker.slots = {slots}");
        if (options.RememberStudies is { } remember) overrides.Add($"hypertune.study.remember-studies = {(remember ? "on" : "off")}");
        if (options.ReadOnly) overrides.Add("hypertune.study.read-only = on");
        if (options.LogLevel is { } level) overrides.Add($"akka.loglevel = {level}");
        if (options.LogFile is { } logFile) overrides.Add($"hypertune.log-file = {StorageSpec.Quote(logFile)}");
        if (options.SeedNodes.Count > 0) overrides.Add($"akka.cluster.seed-nodes = [{string.Join(", ", options.SeedNodes.Select(StorageSpec.Quote))}]");
        overrides.Add(options.Storage.ToHocon());

        var config = ConfigurationFactory.ParseString(options.ExtraHocon ?? "")
            .WithFallback(ConfigurationFactory.ParseString(string.Join("\n", overrides)));
        foreach (var file in options.ConfigFiles)
        {
            if (!File.Exists(file)) throw new FileNotFoundException($"config file '{file}' not found", file);
            config = config.WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(file)));
        }
        config = config.WithFallback(ConfigurationFactory.ParseString(StorageLeaseHocon(options.Storage)));
        if (options.Embedded) config = config.WithFallback(Embedded("HyperTune.Cluster.embedded-node.conf"));
        config = config.WithFallback(DefaultConfig());

        // Roles last: the worker's slot count travels as a role so every node can see every worker's capacity.
        var roles = options.Roles.ToList();
        if (roles.Contains(WorkerDirectory.WorkerRole))
            roles.Add(WorkerDirectory.SlotsRolePrefix + WorkerSettings.From(config).Slots);
        var last = new List<string> { $"akka.cluster.roles = [{string.Join(", ", roles.Select(StorageSpec.Quote))}]" };
        if (ClusterTls.IsEnabled(config))
        {
            // A TLS transport has its own address scheme; operators (and scripts) keep writing akka.tcp seeds.
            last.Add(ClusterTls.TransportHocon);
            var seeds = config.GetStringList("akka.cluster.seed-nodes", Array.Empty<string>()).Select(ClusterTls.SecureAddress);
            last.Add($"akka.cluster.seed-nodes = [{string.Join(", ", seeds.Select(StorageSpec.Quote))}]");
        }
        return ConfigurationFactory.ParseString(string.Join("\n", last))
            .WithFallback(config)
            .WithFallback(SqlPersistence.DefaultConfiguration)
            // Sharding, its distributed data and singletons register their serializers through these. Akka adds them
            // when ClusterSharding starts, but a node starts sharding only once it is Up, and other nodes' replicators
            // write to it from the moment it joins: without them those writes failed to deserialize, and sharding's
            // coordinator stalled 5 s per attempt (seen as slow starts and slow first failovers).
            .WithFallback(ClusterSharding.DefaultConfig())
            .WithFallback(DistributedData.DefaultConfig())
            .WithFallback(ClusterSingleton.DefaultConfig());
    }

    /// <summary>
    /// Leases for a shared store, below the node's own config files (which may override them): PostgreSQL keeps the
    /// study write leases and the split-brain resolver's lease. One-node stores need none.
    /// </summary>
    private static string StorageLeaseHocon(StorageSpec storage) => storage.Kind != StorageKind.Postgres ? "" : $$"""
        hypertune.lease { store = postgres, connection-string = {{StorageSpec.Quote(storage.ConnectionString)}} }
        akka.cluster.split-brain-resolver.active-strategy = lease-majority
        """;

    /// <summary>Starts a node and waits until it is an Up member of its cluster with its regions running.</summary>
    /// <exception cref="TimeoutException">The node could not join the cluster in time (seed nodes unreachable).</exception>
    /// <exception cref="IOException">The SQLite store is in use by another node process.</exception>
    public static async Task<HyperTuneNode> StartAsync(NodeOptions options, CancellationToken cancellationToken = default)
    {
        var claim = options.ReadOnly ? null : options.Storage.Claim();
        ActorSystem? system = null;
        try
        {
            // Not awaited: it only gets linq2db's code compiled beside the system's start (see SqlPluginWarmup).
            _ = SqlPluginWarmup.Start(options.Storage);
            var config = BuildConfig(options);
            var setup = ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config));
            if (ClusterTls.From(config) is { } tls) setup = setup.And(tls.TransportSetup());
            if (SqliteDurability.Setup(options.Storage, config) is { } durability) setup = setup.And(durability);
            system = ActorSystem.Create(options.SystemName, setup);
            await PrepareStorageAsync(system, options.Storage, cancellationToken).ConfigureAwait(false);
            // Coordinator nodes read the journal once while joining (see PersistenceWarmup): a failover then does
            // not pay the plugins' start-up. While the database cannot be reached they wait for it (see
            // WaitForJournalAsync); the node is a member meanwhile, but its API answers "starting".
            var usesStorage = options.Roles.Contains(NodeOptions.CoordinatorRole);
            var warmup = usesStorage ? WaitForJournalAsync(system, cancellationToken) : Task.FromResult(TimeSpan.Zero);
            var health = new StorageHealth(usesStorage ? StorageStatus.Unchecked : StorageStatus.NotUsed);
            var node = await StartOn(system, options, health, cancellationToken).ConfigureAwait(false);
            var warmedUpIn = await warmup.ConfigureAwait(false);
            system.Log.Debug("journal read once in {0:0} ms", warmedUpIn.TotalMilliseconds);
            if (usesStorage)
            {
                var storage = system.Settings.Config.GetConfig("hypertune.storage");
                health.Answered(DateTimeOffset.UtcNow);
                var probe = StorageProbe.Props(health, storage.GetTimeSpan("probe-interval"), storage.GetTimeSpan("probe-timeout"));
                system.ActorOf(probe, "storage-probe");
            }
            // The claim lasts as long as the actor system, however it ends (released before WhenTerminated completes).
            if (claim is not null) system.RegisterOnTermination(claim.Dispose);
            return node;
        }
        catch
        {
            if (system is not null) await system.Terminate().ConfigureAwait(false);
            claim?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Prepares the storage (<see cref="StorageSpec.Prepare"/>); while the database cannot be reached, waits for it
    /// as <see cref="WaitForJournalAsync"/> does. Other errors (credentials, a missing database) fail at once.
    /// </summary>
    private static Task PrepareStorageAsync(ActorSystem system, StorageSpec storage,
        CancellationToken cancellationToken) =>
        RetryWhileUnreachableAsync(system, async _ =>
        {
            await Task.Run(storage.Prepare, cancellationToken).ConfigureAwait(false);
            return TimeSpan.Zero;
        }, e => e is StorageUnreachableException, cancellationToken);

    /// <summary>
    /// Reads the journal once, and while that fails (the database is down, or not up yet) logs why and tries again
    /// with a backoff growing from <c>hypertune.storage.start-retry-min-backoff</c> to <c>-max-backoff</c>, until
    /// <c>start-wait-limit</c> (0: no limit) has passed.
    /// </summary>
    private static Task<TimeSpan> WaitForJournalAsync(ActorSystem system, CancellationToken cancellationToken)
    {
        var attemptTimeout = system.Settings.Config.GetTimeSpan("hypertune.study.journal-warmup-timeout");
        return RetryWhileUnreachableAsync(system,
            attempt => WarmUpJournalAsync(system, attempt, attemptTimeout, cancellationToken),
            e => e is TimeoutException or InvalidOperationException, cancellationToken);
    }

    /// <summary>Runs attempts, with backoff, until one succeeds or fails otherwise than <paramref name="unreachable"/>.</summary>
    private static async Task<TimeSpan> RetryWhileUnreachableAsync(ActorSystem system,
        Func<int, Task<TimeSpan>> attemptOnce,
        Func<Exception, bool> unreachable, CancellationToken cancellationToken)
    {
        var storage = system.Settings.Config.GetConfig("hypertune.storage");
        var maxBackoff = storage.GetTimeSpan("start-retry-max-backoff");
        var limit = storage.GetTimeSpan("start-wait-limit");
        var backoff = storage.GetTimeSpan("start-retry-min-backoff");
        var waiting = global::System.Diagnostics.Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var took = await attemptOnce(attempt).ConfigureAwait(false);
                if (attempt > 1)
                    system.Log.Info("the database answers, after waiting {0:0} s for it", waiting.Elapsed.TotalSeconds);
                return took;
            }
            catch (Exception e) when (unreachable(e) && !cancellationToken.IsCancellationRequested)
            {
                if (limit > TimeSpan.Zero && waiting.Elapsed + backoff > limit)
                    throw new TimeoutException($"the database did not answer within {limit.TotalSeconds:0}s " +
                                               $"(hypertune.storage.start-wait-limit): {e.Message}", e);
                system.Log.Warning("waiting for the database ({0}); retrying in {1:0.#} s", e.Message, backoff.TotalSeconds);
                await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, maxBackoff.Ticks));
            }
        }
    }

    private static async Task<TimeSpan> WarmUpJournalAsync(ActorSystem system, int attempt, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        system.ActorOf(PersistenceWarmup.Props(WarmupPersistenceId, done), $"journal-warmup-{attempt}");
        try
        {
            return await done.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"reading the journal took longer than {timeout.TotalSeconds:0}s (hypertune.study.journal-warmup-timeout); is the database reachable?");
        }
    }

    private static async Task<HyperTuneNode> StartOn(ActorSystem system, NodeOptions options, StorageHealth storage,
        CancellationToken cancellationToken)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        if (system.Settings.Config.GetBoolean("hypertune.node.down-when-quarantined", true))
            system.ActorOf(QuarantinedNodeDowning.Props(), "quarantined-node-downing");
        var pauseWatch = PausedNodeDowning.Start(system);
        if (pauseWatch is not null) system.RegisterOnTermination(pauseWatch.Dispose);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        if (options.SeedNodes.Count == 0) cluster.Join(cluster.SelfAddress);
        var joined = await Task.WhenAny(up.Task, Task.Delay(options.JoinTimeout, cancellationToken)).ConfigureAwait(false);
        if (joined != up.Task)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"node {cluster.SelfAddress} could not join the cluster within {options.JoinTimeout.TotalSeconds:0}s " +
                                       $"(seed nodes: {(options.SeedNodes.Count == 0 ? "itself" : string.Join(", ", options.SeedNodes))}); are they running and reachable?");
        }

        var config = system.Settings.Config;
        // Before any coordinator starts: they write their views there.
        HyperTune.Cluster.Views.StudyViewStore.Register(system, options.Storage, options.ReadOnly);
        var workerSettings = WorkerSettings.From(config);
        var studySettings = StudySettings.From(config);
        var studyShards = config.GetInt("hypertune.study.shards", 100);
        var workerShards = config.GetInt("hypertune.worker.shards", 100);
        var remember = config.GetBoolean("hypertune.study.remember-studies", true);
        var roles = system.Settings.Config.GetStringList("akka.cluster.roles");
        var isCoordinator = roles.Contains(NodeOptions.CoordinatorRole);
        var isWorker = roles.Contains(WorkerDirectory.WorkerRole);

        var sharding = ClusterSharding.Get(system);
        var slots = system.ActorOf(WorkerSlots.Props(workerSettings.Slots), "worker-slots");
        var directory = system.ActorOf(WorkerDirectory.Props(), "worker-directory");
        if (isWorker) system.ActorOf(WorkerLoadPublisher.Props(), "worker-load");
        var trainables = new TrainableCache(ProcessCommands.From(config), MlNetDataRoots.From(config),
            UserAssemblies.From(config));
        var checkpoints = Checkpoints.CheckpointStores.Resolver(workerSettings, options.Storage);

        // The worker region first: its entities only start when a coordinator sends them a trial, by which time
        // the study region below exists (the closure reads it then).
        IActorRef studies = ActorRefs.Nobody;
        // Built once, on the first trial: Props.Create compiles its constructor arguments, far too slow per trial.
        Props? workerProps = null;
        var workerExtractor = new TrialWorkerMessageExtractor(workerShards);
        var workers = isWorker
            ? await sharding.StartAsync(WorkerRegionName,
                _ => workerProps ??= TrialWorker.Props(studies, slots, workerSettings, trainables, checkpoints),
                ClusterShardingSettings.Create(system).WithRole(WorkerDirectory.WorkerRole).WithRememberEntities(false),
                workerExtractor, new NodeAffinityAllocationStrategy(system), TrialWorkerProtocol.HandOffTrial.Instance).ConfigureAwait(false)
            : await sharding.StartProxyAsync(WorkerRegionName, WorkerDirectory.WorkerRole, workerExtractor).ConfigureAwait(false);

        var studyExtractor = new StudyMessageExtractor(studyShards);
        var registryExtractor = new StudyRegistryProtocol.MessageExtractor();
        IActorRef registry;
        if (isCoordinator)
        {
            var settings = ClusterShardingSettings.Create(system).WithRole(NodeOptions.CoordinatorRole);
            studies = await sharding.StartAsync(StudyRegionName,
                id => StudyCoordinator.Props(id, studySettings, workers, directory, clock: null, schedulers: null,
                    checkpoints),
                settings.WithRememberEntities(remember), studyExtractor).ConfigureAwait(false);
            registry = await sharding.StartAsync(RegistryRegionName, _ => StudyRegistry.Props(studySettings.ReadOnly), settings.WithRememberEntities(false), registryExtractor).ConfigureAwait(false);
        }
        else
        {
            studies = await sharding.StartProxyAsync(StudyRegionName, NodeOptions.CoordinatorRole, studyExtractor).ConfigureAwait(false);
            registry = await sharding.StartProxyAsync(RegistryRegionName, NodeOptions.CoordinatorRole, registryExtractor).ConfigureAwait(false);
        }
        return new HyperTuneNode(system, studies, workers, registry, slots, options, storage, checkpoints);
    }

    /// <summary>Leaves the cluster gracefully (shards and trials handed over) and stops the actor system.</summary>
    public async Task StopAsync()
    {
        await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClusterLeavingReason.Instance).ConfigureAwait(false);
        await System.WhenTerminated.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!System.WhenTerminated.IsCompleted) await StopAsync().ConfigureAwait(false);
    }
}
