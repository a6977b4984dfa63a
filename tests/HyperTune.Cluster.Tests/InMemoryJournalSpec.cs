using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.TestKit.Xunit2;
using HyperTune.Cluster.Hosting;

namespace HyperTune.Cluster.Tests;

/// <summary>The journal of a node with memory storage: what a persistent actor writes, it recovers.</summary>
public sealed class InMemoryJournalSpec : TestKit
{
    public InMemoryJournalSpec() : base(ConfigurationFactory.ParseString($"""
        akka.persistence.journal.plugin = "{InMemoryJournal.PluginId}"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        akka.test.single-expect-default = 10s
        {InMemoryJournal.Hocon}
        """), "in-memory-journal")
    {
    }

    /// <summary>
    /// Persists each string it gets and answers with its sequence number; "get" answers what it holds.
    /// </summary>
    private sealed class Recorder : UntypedPersistentActor
    {
        private readonly List<string> _events = new();
        private readonly IActorRef _probe;

        public Recorder(string persistenceId, IActorRef probe, long recoverTo = long.MaxValue)
        {
            PersistenceId = persistenceId;
            _probe = probe;
            Recovery = new Recovery(SnapshotSelectionCriteria.None, recoverTo);
        }

        public override string PersistenceId { get; }

        public override Recovery Recovery { get; }

        protected override void OnCommand(object message)
        {
            switch (message)
            {
                case "get":
                    Sender.Tell(string.Join(",", _events));
                    break;
                case long deleteTo:
                    DeleteMessages(deleteTo);
                    break;
                case DeleteMessagesSuccess s:
                    _probe.Tell($"deleted to {s.ToSequenceNr}");
                    break;
                case string e:
                    var replyTo = Sender;
                    Persist(e, persisted =>
                    {
                        _events.Add(persisted);
                        replyTo.Tell(LastSequenceNr);
                    });
                    break;
            }
        }

        protected override void OnRecover(object message)
        {
            if (message is string e) _events.Add(e);
        }
    }

    private IActorRef Start(string id, long recoverTo = long.MaxValue) =>
        Sys.ActorOf(Props.Create(() => new Recorder(id, TestActor, recoverTo)));

    private void Stop(IActorRef actor)
    {
        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor);
    }

    /// <summary>Asks <paramref name="actor"/> for the events it holds and expects them, comma-separated.</summary>
    private void ExpectHolds(IActorRef actor, string events)
    {
        actor.Tell("get");
        ExpectMsg(events);
    }

    private IActorRef Write(string id, params string[] events)
    {
        var actor = Start(id);
        foreach (var e in events)
        {
            actor.Tell(e);
            ExpectMsg<long>();
        }
        return actor;
    }

    [Fact]
    public void A_restarted_actor_recovers_its_events_in_order_and_numbers_the_next_one_after_them()
    {
        Stop(Write("a", "e1", "e2", "e3"));
        Stop(Write("b", "x1"));

        var a = Start("a");
        ExpectHolds(a, "e1,e2,e3");
        a.Tell("e4");
        ExpectMsg(4L);
        var b = Start("b");
        ExpectHolds(b, "x1");
    }

    [Fact]
    public void Recovery_up_to_a_sequence_number_stops_there()
    {
        Stop(Write("c", "e1", "e2", "e3", "e4"));

        var c = Start("c", recoverTo: 2);
        ExpectHolds(c, "e1,e2");
    }

    [Fact]
    public void Deleted_events_are_not_recovered_and_numbering_goes_on_after_the_last_one_written()
    {
        var d = Write("d", "e1", "e2", "e3");
        d.Tell(2L);
        ExpectMsg("deleted to 2");
        Stop(d);

        d = Start("d");
        ExpectHolds(d, "e3");
        d.Tell(3L);
        ExpectMsg("deleted to 3");
        Stop(d);

        // Every event deleted: the next one is still numbered after them (a study deleted and made again under
        // its id must not reuse sequence numbers).
        d = Start("d");
        ExpectHolds(d, "");
        d.Tell("e4");
        ExpectMsg(4L);
    }
}
