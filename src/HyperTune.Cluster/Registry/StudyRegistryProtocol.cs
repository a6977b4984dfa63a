using Akka.Cluster.Sharding;

namespace HyperTune.Cluster.Registry;

/// <summary>Messages of the study registry.</summary>
public static class StudyRegistryProtocol
{
    /// <summary>Marker: every registry message goes to the single registry entity.</summary>
    public interface IRegistryMessage
    {
    }

    /// <summary>Records a study (idempotent). Replies the <see cref="StudyEntry"/>.</summary>
    public sealed record RegisterStudy(string StudyId, string Name) : IRegistryMessage;

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

    /// <summary>The persisted event.</summary>
    public sealed record StudyRegistered(string StudyId, string Name, DateTimeOffset At);

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
