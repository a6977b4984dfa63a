using Akka.Actor;
using Akka.Persistence;
using static HyperTune.Cluster.Studies.StudyEvents;

namespace HyperTune.Cluster.Tests.Serialization;

/// <summary>Recovers every study event of a persistence id and answers them as <see cref="Read"/>.</summary>
public sealed class JournalReader : ReceivePersistentActor
{
    /// <summary>The events, in journal order.</summary>
    public sealed record Read(IReadOnlyList<IStudyEvent> Events);

    private readonly string _persistenceId;

    /// <summary>Props for a reader answering <paramref name="replyTo"/>.</summary>
    public static Props Props(string persistenceId, IActorRef replyTo) =>
        Akka.Actor.Props.Create(() => new JournalReader(persistenceId, replyTo));

    /// <summary>Creates the reader.</summary>
    public JournalReader(string persistenceId, IActorRef replyTo)
    {
        _persistenceId = persistenceId;
        var events = new List<IStudyEvent>();
        Recover<IStudyEvent>(events.Add);
        Recover<RecoveryCompleted>(_ =>
        {
            replyTo.Tell(new Read(events));
            Context.Stop(Self);
        });
    }

    /// <inheritdoc />
    public override string PersistenceId => _persistenceId;
}
