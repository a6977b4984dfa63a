using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit.Xunit2;
using HyperTune.Cluster.Registry;
using static HyperTune.Cluster.Registry.StudyRegistryProtocol;

namespace HyperTune.Cluster.Tests;

/// <summary>The registry actor on SQLite: concurrent reservations, replay of the earlier version's journal.</summary>
public sealed class StudyRegistrySpec : TestKit
{
    private readonly SqliteMemoryDatabase _db;

    public StudyRegistrySpec() : this(new SqliteMemoryDatabase())
    {
    }

    private StudyRegistrySpec(SqliteMemoryDatabase db) : base(TestConfig.Local(db.Storage))
    {
        _db = db;
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        _db.Dispose();
    }

    /// <summary>Writes events and a snapshot to the registry's persistence id, as an earlier version did.</summary>
    private sealed class OldRegistryWriter : ReceivePersistentActor
    {
        public OldRegistryWriter(IActorRef done)
        {
            // A snapshot (the bare list) at event 1, then one event after it: recovery reads both.
            Command<string>(_ => Persist(new StudyRegistered("superseded", "a", DateTimeOffset.UnixEpoch),
                _ => SaveSnapshot(ImmutableList.Create(new StudyEntry("from-snapshot", "a", DateTimeOffset.UnixEpoch)))));
            Command<SaveSnapshotSuccess>(_ =>
                Persist(new StudyRegistered("from-event", "b", DateTimeOffset.UnixEpoch), _ => done.Tell("written")));
        }

        public override string PersistenceId => "study-registry";
    }

    [Fact]
    public async Task Concurrent_fresh_reservations_get_distinct_ids_and_a_repeated_request_the_same()
    {
        var registry = Sys.ActorOf(StudyRegistry.Props());
        var replies = await Task.WhenAll(Enumerable.Range(0, 5).Select(i =>
            registry.Ask<ReservedStudy>(new ReserveStudy("quad", true, null, $"r{i}"), TimeSpan.FromSeconds(10))));
        var again = await registry.Ask<ReservedStudy>(new ReserveStudy("quad", true, null, "r3"), TimeSpan.FromSeconds(10));

        Assert.Equal(5, replies.Select(r => r.Study.StudyId).Distinct().Count());
        Assert.Equal(replies[3].Study.StudyId, again.Study.StudyId);
        Assert.True(again.Repeated);
    }

    [Fact]
    public async Task A_read_only_registry_refuses_to_reserve()
    {
        var registry = Sys.ActorOf(StudyRegistry.Props(readOnly: true));
        var answer = await registry.Ask<object>(new ReserveStudy("quad", false, null, "r"), TimeSpan.FromSeconds(10));
        Assert.Contains("read-only", Assert.IsType<ReservationRefused>(answer).Reason);
    }

    [Fact]
    public async Task A_journal_written_by_the_earlier_version_replays_and_new_reservations_follow_it()
    {
        var writer = Sys.ActorOf(Props.Create(() => new OldRegistryWriter(TestActor)));
        writer.Tell("write");
        ExpectMsg("written", TimeSpan.FromSeconds(20));
        Watch(writer);
        writer.Tell(PoisonPill.Instance);
        ExpectTerminated(writer);

        var registry = Sys.ActorOf(StudyRegistry.Props());
        var list = await registry.Ask<StudyList>(new ListStudies(), TimeSpan.FromSeconds(20));
        var reserved = await registry.Ask<ReservedStudy>(new ReserveStudy("b", true, null, "r"), TimeSpan.FromSeconds(10));
        Watch(registry);
        registry.Tell(PoisonPill.Instance);
        ExpectTerminated(registry);
        var replayed = await Sys.ActorOf(StudyRegistry.Props()).Ask<StudyList>(new ListStudies(), TimeSpan.FromSeconds(20));

        Assert.Equal(new[] { "from-snapshot", "from-event" }, list.Studies.Select(s => s.StudyId));
        Assert.Equal("b", reserved.Study.StudyId);
        Assert.Equal(new[] { "from-snapshot", "from-event", "b" }, replayed.Studies.Select(s => s.StudyId));
    }

    [Fact]
    public async Task Only_the_request_that_reserved_a_study_can_release_it()
    {
        var registry = Sys.ActorOf(StudyRegistry.Props());
        await registry.Ask<ReservedStudy>(new ReserveStudy("quad", true, null, "mine"), TimeSpan.FromSeconds(10));

        await registry.Ask<ReservationReleased>(new ReleaseStudy("quad", "someone-else"), TimeSpan.FromSeconds(10));
        var afterOther = await registry.Ask<StudyList>(new ListStudies(), TimeSpan.FromSeconds(10));
        await registry.Ask<ReservationReleased>(new ReleaseStudy("quad", "mine"), TimeSpan.FromSeconds(10));
        var afterMine = await registry.Ask<StudyList>(new ListStudies(), TimeSpan.FromSeconds(10));

        Assert.Single(afterOther.Studies);
        Assert.Empty(afterMine.Studies);
    }
}
