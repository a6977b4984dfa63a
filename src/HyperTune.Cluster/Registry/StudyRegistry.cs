using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using static HyperTune.Cluster.Registry.StudyRegistryProtocol;

namespace HyperTune.Cluster.Registry;

/// <summary>
/// The list of studies the cluster knows, by id and spec name (a sharded, persistent entity; there is one). It
/// answers which study a spec name currently means, so <c>hypertune run</c> resumes the latest study of a spec
/// and <c>--fresh</c> can start another one beside it.
/// </summary>
public sealed class StudyRegistry : ReceivePersistentActor
{
    private ImmutableList<StudyEntry> _studies = ImmutableList<StudyEntry>.Empty;

    /// <summary>Props for the registry region.</summary>
    public static Props Props() => Akka.Actor.Props.Create(() => new StudyRegistry());

    /// <summary>Creates the registry.</summary>
    public StudyRegistry()
    {
        Recover<StudyRegistered>(e => _studies = _studies.Add(new StudyEntry(e.StudyId, e.Name, e.At)));
        Recover<SnapshotOffer>(o =>
        {
            if (o.Snapshot is ImmutableList<StudyEntry> list) _studies = list;
        });
        Command<RegisterStudy>(r =>
        {
            var existing = _studies.FirstOrDefault(s => s.StudyId == r.StudyId);
            if (existing is not null)
            {
                Sender.Tell(existing);
                return;
            }
            var replyTo = Sender;
            Persist(new StudyRegistered(r.StudyId, r.Name, DateTimeOffset.UtcNow), e =>
            {
                var entry = new StudyEntry(e.StudyId, e.Name, e.At);
                _studies = _studies.Add(entry);
                replyTo.Tell(entry);
                if (LastSequenceNr % 500 == 0) SaveSnapshot(_studies);
            });
        });
        Command<ResolveStudy>(r => Sender.Tell(new ResolvedStudy(r.Name, _studies.LastOrDefault(s => s.Name == r.Name))));
        Command<ListStudies>(_ => Sender.Tell(new StudyList(_studies)));
        Command<SaveSnapshotSuccess>(_ => { });
        Command<SaveSnapshotFailure>(_ => { });
    }

    /// <inheritdoc />
    public override string PersistenceId => "study-registry";
}
