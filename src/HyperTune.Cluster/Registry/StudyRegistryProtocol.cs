using Akka.Cluster.Sharding;

namespace HyperTune.Cluster.Registry;

/// <summary>Messages of the study registry.</summary>
public static class StudyRegistryProtocol
{
    /// <summary>Marker: every registry message goes to the single registry entity.</summary>
    public interface IRegistryMessage
    {
    }

    /// <summary>Marker for the registry's persisted events.</summary>
    public interface IRegistryEvent
    {
    }

    /// <summary>
    /// Records a study after it was created (idempotent). Replies the <see cref="StudyEntry"/>. Kept for nodes of
    /// earlier versions; submissions now reserve first (<see cref="ReserveStudy"/>).
    /// </summary>
    public sealed record RegisterStudy(string StudyId, string Name) : IRegistryMessage;

    /// <summary>
    /// Chooses and records the study a submission creates or resumes, before anything is created, so every created
    /// study is listed and concurrent submissions agree. With <see cref="StudyId"/> that id is used (listed once);
    /// otherwise <see cref="Fresh"/> picks a new free id from the spec name, and without it the latest study of
    /// that name is resumed (or the first one reserved). A <see cref="RequestId"/> seen before gets the same study
    /// again. Replies <see cref="ReservedStudy"/> or <see cref="ReservationRefused"/>.
    /// </summary>
    public sealed record ReserveStudy(string Name, bool Fresh, string? StudyId, string? RequestId) : IRegistryMessage;

    /// <summary>
    /// The study a submission goes to. <see cref="IsNew"/>: it was listed for this request (now or, when
    /// <see cref="Repeated"/>, by an earlier attempt with the same request id), so the coordinator may create it.
    /// </summary>
    public sealed record ReservedStudy(StudyEntry Study, bool IsNew, bool Repeated);

    /// <summary>The registry cannot reserve (it opened the store read-only); <see cref="Reason"/> says why.</summary>
    public sealed record ReservationRefused(string Reason);

    /// <summary>
    /// Takes back a reservation whose study the coordinator refused to create (nothing was stored for it).
    /// Replies <see cref="ReservationReleased"/>.
    /// </summary>
    public sealed record ReleaseStudy(string StudyId, string? RequestId) : IRegistryMessage;

    /// <summary>The reservation is gone (or never existed).</summary>
    public sealed record ReservationReleased(string StudyId);

    /// <summary>
    /// Takes a deleted study off the list (its journal is already gone), with the request ids that reserved it, so
    /// its id is free again. Idempotent. Replies <see cref="StudyUnlisted"/>.
    /// </summary>
    public sealed record ForgetStudy(string StudyId) : IRegistryMessage;

    /// <summary>The study is no longer listed; <see cref="WasListed"/> says whether it was.</summary>
    public sealed record StudyUnlisted(string StudyId, bool WasListed);

    /// <summary>Asks whether a study id is listed. Replies <see cref="FoundStudy"/>.</summary>
    public sealed record FindStudy(string StudyId) : IRegistryMessage;

    /// <summary>The listed study with that id, or null.</summary>
    public sealed record FoundStudy(string StudyId, StudyEntry? Study);

    /// <summary>Asks which study a spec name means now (the latest registered). Replies <see cref="ResolvedStudy"/>.</summary>
    public sealed record ResolveStudy(string Name) : IRegistryMessage;

    /// <summary>The latest study registered under a name, or null.</summary>
    public sealed record ResolvedStudy(string Name, StudyEntry? Study);

    /// <summary>Asks for every study. Replies <see cref="StudyList"/>.</summary>
    public sealed record ListStudies : IRegistryMessage;

    /// <summary>Every study, oldest first.</summary>
    public sealed record StudyList(IReadOnlyList<StudyEntry> Studies);

    /// <summary>A study's id, spec name and registration time.</summary>
    public sealed record StudyEntry(string StudyId, string Name, DateTimeOffset RegisteredAt);

    /// <summary>A study was listed after its creation (by earlier versions, and by <see cref="RegisterStudy"/>).</summary>
    public sealed record StudyRegistered(string StudyId, string Name, DateTimeOffset At) : IRegistryEvent;

    /// <summary>A study id was listed for a submission, before the study was created.</summary>
    public sealed record StudyReserved(string StudyId, string Name, string? RequestId, DateTimeOffset At)
        : IRegistryEvent;

    /// <summary>A reservation was taken back: the coordinator refused to create its study.</summary>
    public sealed record StudyReservationReleased(string StudyId, DateTimeOffset At) : IRegistryEvent;

    /// <summary>A deleted study was taken off the list.</summary>
    public sealed record StudyForgotten(string StudyId, DateTimeOffset At) : IRegistryEvent;

    /// <summary>Routes every registry message to the one registry entity.</summary>
    public sealed class MessageExtractor() : HashCodeMessageExtractor(1)
    {
        /// <summary>The registry's entity id.</summary>
        public const string EntityIdValue = "registry";

        /// <inheritdoc />
        public override string? EntityId(object message) => message switch
        {
            IRegistryMessage => EntityIdValue,
            _ => null,
        };
    }
}
