using static HyperTune.Cluster.Registry.StudyRegistryProtocol;

namespace HyperTune.Cluster.Serialization;

/// <summary>The formats of the study registry's persisted events (<see cref="IRegistryEvent"/>).</summary>
public static class RegistryEventFormats
{
    /// <summary>The formats this version writes and reads.</summary>
    public static EventFormats<IRegistryEvent> Current { get; } = new EventFormats<IRegistryEvent>()
        .Add<StudyRegistered>("study-registered.v1",
            (w, e) => w.String("studyId", e.StudyId).String("name", e.Name).Time("at", e.At),
            r => new StudyRegistered(r.String("studyId"), r.String("name"), r.Time("at")))
        .Add<StudyReserved>("study-reserved.v1",
            (w, e) => w.String("studyId", e.StudyId).String("name", e.Name).OptionalString("requestId", e.RequestId)
                .Time("at", e.At),
            r => new StudyReserved(r.String("studyId"), r.String("name"), r.OptionalString("requestId"), r.Time("at")))
        .Add<StudyReservationReleased>("study-reservation-released.v1",
            (w, e) => w.String("studyId", e.StudyId).Time("at", e.At),
            r => new StudyReservationReleased(r.String("studyId"), r.Time("at")))
        .Add<StudyForgotten>("study-forgotten.v1",
            (w, e) => w.String("studyId", e.StudyId).Time("at", e.At),
            r => new StudyForgotten(r.String("studyId"), r.Time("at")));
}
