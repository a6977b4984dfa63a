using Akka.Actor;
using Akka.Persistence;
using static HyperTune.Cluster.Studies.StudyEvents;

namespace HyperTune.Cluster.Tests.Serialization;

/// <summary>
/// Persists a list of study events under a study's persistence id, with whatever serializers the actor system
/// binds, then answers <see cref="Written"/>. Used to make journal fixtures.
/// </summary>
public sealed class LegacyJournalWriter : ReceivePersistentActor
{
    /// <summary>The answer once every event is persisted.</summary>
    public sealed record Written(long SequenceNr);

    private readonly string _persistenceId;

    /// <summary>Props for a writer of <paramref name="events"/>.</summary>
    public static Props Props(string persistenceId, IReadOnlyList<IStudyEvent> events, IActorRef replyTo) =>
        Akka.Actor.Props.Create(() => new LegacyJournalWriter(persistenceId, events, replyTo));

    /// <summary>Creates the writer.</summary>
    public LegacyJournalWriter(string persistenceId, IReadOnlyList<IStudyEvent> events, IActorRef replyTo)
    {
        _persistenceId = persistenceId;
        Recover<RecoveryCompleted>(_ =>
        {
            if (LastSequenceNr != 0) throw new InvalidOperationException($"{persistenceId} already has events");
            var left = events.Count;
            PersistAll(events, _ =>
            {
                if (--left == 0) replyTo.Tell(new Written(LastSequenceNr));
            });
        });
    }

    /// <inheritdoc />
    public override string PersistenceId => _persistenceId;
}
