using Akka.Actor;
using Akka.TestKit.Xunit2;
using HyperTune.Cluster.Leases;
using HyperTune.Cluster.Studies;
using HyperTune.Cluster.Workers;
using static HyperTune.Cluster.Studies.StudyProtocol;

namespace HyperTune.Cluster.Tests;

/// <summary>A coordinator behind its study's write lease (an in-process store standing in for PostgreSQL).</summary>
public sealed class StudyWriteFenceSpec : TestKit
{
    private static readonly WorkerNode Node = new("127.0.0.1:1#1", 16, 0);

    private static readonly StudySettings Settings = new(50, 3, TimeSpan.FromMilliseconds(50),
        TimeSpan.FromMilliseconds(200), TimeSpan.FromMinutes(1), DispatchTimeout: TimeSpan.FromSeconds(10),
        SuspectNodeFor: TimeSpan.FromSeconds(30));

    private readonly SqliteMemoryDatabase _db;

    public StudyWriteFenceSpec() : this(new SqliteMemoryDatabase())
    {
    }

    private StudyWriteFenceSpec(SqliteMemoryDatabase db) : base(TestConfig.Local(db.Storage, """
        hypertune.lease.store = memory
        hypertune.lease.study { ttl = 3s, margin = 500ms, renew-interval = 1s, retry-interval = 200ms }
        """))
    {
        _db = db;
    }

    private ILeaseStore Store => ClusterLeases.Get(Sys).Store!;

    protected override void AfterAll()
    {
        base.AfterAll();
        _db.Dispose();
    }

    private IActorRef StartCoordinator(string studyId)
    {
        var directory = CreateTestProbe();
        var coordinator = Sys.ActorOf(StudyCoordinator.Props(studyId, Settings, CreateTestProbe().Ref, directory.Ref));
        directory.ExpectMsg<WorkerDirectory.SubscribeWorkerNodes>();
        coordinator.Tell(new WorkerDirectory.WorkerNodesChanged(new[] { Node }));
        return coordinator;
    }

    [Fact]
    public async Task A_coordinator_writes_nothing_while_another_owner_s_lease_is_live_and_takes_it_once_it_expires()
    {
        var name = StudyWriteFence.LeaseNameOf("waits");
        var foreignLease = TimeSpan.FromSeconds(4);
        var sinceForeignLease = System.Diagnostics.Stopwatch.StartNew();
        Assert.True((await Store.TryAcquireAsync(name, "a-frozen-node", foreignLease)).Acquired);
        var coordinator = StartCoordinator("waits");
        coordinator.Tell(new SubmitStudy("waits", StudyDeciderTests.Spec(maxTrials: 4, parallelism: 2)));
        // The study is created (its first write) only once the other owner's lease has run out.
        Assert.True(ExpectMsg<StudySubmitted>(TimeSpan.FromSeconds(30)).Created);
        Assert.True(sinceForeignLease.Elapsed >= foreignLease,
            $"created {sinceForeignLease.Elapsed} after the other owner took a {foreignLease} lease");
        var holder = await Store.HolderAsync(name);
        Assert.NotNull(holder);
        Assert.NotEqual("a-frozen-node", holder);
    }

    [Fact]
    public async Task A_coordinator_whose_lease_another_node_took_stops_without_answering()
    {
        var coordinator = StartCoordinator("taken");
        Watch(coordinator);
        coordinator.Tell(new SubmitStudy("taken", StudyDeciderTests.Spec(maxTrials: 50, parallelism: 2)));
        Assert.True(ExpectMsg<StudySubmitted>(TimeSpan.FromSeconds(15)).Created);

        // As after a freeze: the lease passes to another node behind the coordinator's back.
        var name = StudyWriteFence.LeaseNameOf("taken");
        var holder = await Store.HolderAsync(name);
        Assert.NotNull(holder);
        Assert.True(await Store.ReleaseAsync(name, holder!));
        Assert.True((await Store.TryAcquireAsync(name, "the-new-owner", TimeSpan.FromMinutes(1))).Acquired);

        ExpectTerminated(coordinator, TimeSpan.FromSeconds(15));
        Assert.Equal("the-new-owner", await Store.HolderAsync(name));
    }

    [Fact]
    public async Task A_passivated_coordinator_gives_its_lease_back()
    {
        var coordinator = StartCoordinator("released");
        Watch(coordinator);
        coordinator.Tell(new SubmitStudy("released", StudyDeciderTests.Spec(maxTrials: 50, parallelism: 2)));
        Assert.True(ExpectMsg<StudySubmitted>(TimeSpan.FromSeconds(15)).Created);
        var name = StudyWriteFence.LeaseNameOf("released");
        Assert.NotNull(await Store.HolderAsync(name));

        coordinator.Tell(PoisonPill.Instance);
        ExpectTerminated(coordinator);
        await AwaitAssertAsync(async () => Assert.Null(await Store.HolderAsync(name)), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Asking_for_an_unknown_study_takes_no_lease()
    {
        var coordinator = StartCoordinator("nobody");
        coordinator.Tell(new GetStudy("nobody"));
        ExpectMsg<StudyNotFound>();
        Assert.Null(await Store.HolderAsync(StudyWriteFence.LeaseNameOf("nobody")));
    }
}
