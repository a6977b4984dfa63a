using System.Collections.Immutable;
using static HyperTune.Cluster.Registry.StudyRegistryProtocol;

namespace HyperTune.Cluster.Registry;

/// <summary>
/// The registry's list of studies and the request ids that reserved them. Immutable: <see cref="Apply"/> is the
/// only way it changes (while running and while replaying), and <see cref="Reserve"/> decides a reservation as a
/// pure function, so the one registry actor serializes every choice of a new study id.
/// </summary>
public sealed record StudyRegistryState
{
    /// <summary>An empty registry.</summary>
    public static readonly StudyRegistryState Empty = new();

    /// <summary>Every listed study, oldest first.</summary>
    public ImmutableList<StudyEntry> Studies { get; init; } = ImmutableList<StudyEntry>.Empty;

    /// <summary>The study each client request id reserved.</summary>
    public ImmutableDictionary<string, string> RequestIds { get; init; } =
        ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>The listed study with this id, or null.</summary>
    public StudyEntry? Find(string studyId) => Studies.Find(s => s.StudyId == studyId);

    /// <summary>The latest study listed under a spec name, or null.</summary>
    public StudyEntry? Latest(string name) => Studies.FindLast(s => s.Name == name);

    /// <summary>
    /// Decides a reservation: the event to persist (null when the answer is already listed) and the reply, which for
    /// a new reservation names the entry the event will list.
    /// </summary>
    public (IRegistryEvent? Event, ReservedStudy Reply) Reserve(ReserveStudy request, DateTimeOffset now)
    {
        if (request.RequestId is { } requestId && RequestIds.TryGetValue(requestId, out var reservedId)
            && Find(reservedId) is { } again)
            return (null, new ReservedStudy(again, IsNew: true, Repeated: true));
        if (request.StudyId is { } explicitId)
            return Find(explicitId) is { } listed
                ? (null, new ReservedStudy(listed, IsNew: false, Repeated: false))
                : New(explicitId);
        if (!request.Fresh && Latest(request.Name) is { } latest)
            return (null, new ReservedStudy(latest, IsNew: false, Repeated: false));
        return New(FreeIdFor(request.Name));

        (IRegistryEvent?, ReservedStudy) New(string studyId) =>
            (new StudyReserved(studyId, request.Name, request.RequestId, now),
                new ReservedStudy(new StudyEntry(studyId, request.Name, now), IsNew: true, Repeated: false));
    }

    /// <summary>The spec name when no study has that id, else <c>name-2</c>, <c>name-3</c>, ... (linear time).</summary>
    public string FreeIdFor(string name)
    {
        var taken = Studies.Select(s => s.StudyId).ToHashSet(StringComparer.Ordinal);
        if (!taken.Contains(name)) return name;
        for (var n = 2; ; n++)
            if (!taken.Contains($"{name}-{n}")) return $"{name}-{n}";
    }

    /// <summary>Applies an event.</summary>
    public StudyRegistryState Apply(IRegistryEvent e) => e switch
    {
        StudyRegistered r => Listing(r.StudyId, r.Name, r.At),
        StudyReserved r => Listing(r.StudyId, r.Name, r.At) with
        {
            RequestIds = r.RequestId is null ? RequestIds : RequestIds.SetItem(r.RequestId, r.StudyId),
        },
        StudyReservationReleased r => Unlisting(r.StudyId),
        StudyForgotten f => Unlisting(f.StudyId),
        _ => throw new ArgumentException($"unknown registry event {e.GetType().Name}"),
    };

    private StudyRegistryState Unlisting(string studyId) => this with
    {
        Studies = Studies.RemoveAll(s => s.StudyId == studyId),
        RequestIds = RequestIds.RemoveRange(RequestIds.Where(kv => kv.Value == studyId).Select(kv => kv.Key)),
    };

    private StudyRegistryState Listing(string studyId, string name, DateTimeOffset at) =>
        Find(studyId) is null ? this with { Studies = Studies.Add(new StudyEntry(studyId, name, at)) } : this;

    /// <summary>What a snapshot stores.</summary>
    public StudyRegistrySnapshot ToSnapshot() => new(Studies, RequestIds);

    /// <summary>Rebuilds the state from a snapshot of this version or an earlier version's list of entries.</summary>
    public static StudyRegistryState FromSnapshot(object snapshot) => snapshot switch
    {
        StudyRegistrySnapshot s => new StudyRegistryState
        {
            Studies = s.Studies,
            RequestIds = s.RequestIds.WithComparers(StringComparer.Ordinal),
        },
        ImmutableList<StudyEntry> list => new StudyRegistryState { Studies = list },
        _ => throw new ArgumentException($"unknown registry snapshot {snapshot.GetType().Name}"),
    };
}
