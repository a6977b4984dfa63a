using Akka.Actor;
using Akka.Persistence;
using static HyperTune.Cluster.Registry.StudyRegistryProtocol;

namespace HyperTune.Cluster.Registry;

/// <summary>
/// The list of studies the cluster knows, by id and spec name (a sharded, persistent entity; there is one). It
/// chooses the study of each submission before the study is created (<see cref="ReserveStudy"/>), in this one
/// place, so concurrent <c>--fresh</c> submissions get distinct studies, a retried submission (same request id)
/// gets the same one, and every study a coordinator created is listed. It answers which study a spec name
/// currently means, so <c>hypertune run</c> resumes the latest study of a spec.
/// </summary>
public sealed class StudyRegistry : ReceivePersistentActor
{
    private const int SnapshotEvery = 500;

    private StudyRegistryState _state = StudyRegistryState.Empty;

    /// <summary>Props for the registry region; a read-only registry refuses reservations.</summary>
    public static Props Props(bool readOnly = false) => Akka.Actor.Props.Create(() => new StudyRegistry(readOnly));

    /// <summary>Creates the registry.</summary>
    public StudyRegistry(bool readOnly)
    {
        Recover<IRegistryEvent>(e => _state = _state.Apply(e));
        Recover<SnapshotOffer>(o => _state = StudyRegistryState.FromSnapshot(o.Snapshot));
        Command<ReserveStudy>(r =>
        {
            if (readOnly)
            {
                Sender.Tell(new ReservationRefused("this node opened the store read-only"));
                return;
            }
            var (e, reply) = _state.Reserve(r, DateTimeOffset.UtcNow);
            if (e is null) Sender.Tell(reply);
            else PersistThenReply(e, reply);
        });
        Command<ReleaseStudy>(r =>
        {
            var listed = _state.Find(r.StudyId);
            var ownedByRequest = r.RequestId is { } id && _state.RequestIds.GetValueOrDefault(id) == r.StudyId;
            // Only the request that reserved a study may take it back: an id listed by anyone else stays.
            if (readOnly || listed is null || !ownedByRequest) Sender.Tell(new ReservationReleased(r.StudyId));
            else PersistThenReply(new StudyReservationReleased(r.StudyId, DateTimeOffset.UtcNow),
                new ReservationReleased(r.StudyId));
        });
        Command<RegisterStudy>(r =>
        {
            var existing = _state.Find(r.StudyId);
            if (existing is not null || readOnly)
            {
                Sender.Tell(existing ?? new StudyEntry(r.StudyId, r.Name, DateTimeOffset.UtcNow));
                return;
            }
            var registered = new StudyRegistered(r.StudyId, r.Name, DateTimeOffset.UtcNow);
            PersistThenReply(registered, new StudyEntry(registered.StudyId, registered.Name, registered.At));
        });
        Command<ForgetStudy>(f =>
        {
            var listed = _state.Find(f.StudyId) is not null;
            if (readOnly || !listed) Sender.Tell(new StudyUnlisted(f.StudyId, listed && !readOnly));
            else PersistThenReply(new StudyForgotten(f.StudyId, DateTimeOffset.UtcNow), new StudyUnlisted(f.StudyId, true));
        });
        Command<FindStudy>(f => Sender.Tell(new FoundStudy(f.StudyId, _state.Find(f.StudyId))));
        Command<ResolveStudy>(r => Sender.Tell(new ResolvedStudy(r.Name, _state.Latest(r.Name))));
        Command<ListStudies>(_ => Sender.Tell(new StudyList(_state.Studies)));
        Command<SaveSnapshotSuccess>(_ => { });
        Command<SaveSnapshotFailure>(_ => { });
    }

    /// <inheritdoc />
    public override string PersistenceId => "study-registry";

    private void PersistThenReply(IRegistryEvent e, object reply)
    {
        var replyTo = Sender;
        Persist(e, persisted =>
        {
            _state = _state.Apply(persisted);
            replyTo.Tell(reply);
            if (LastSequenceNr % SnapshotEvery == 0) SaveSnapshot(_state.ToSnapshot());
        });
    }
}
