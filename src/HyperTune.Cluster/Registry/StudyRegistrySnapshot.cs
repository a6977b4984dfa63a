using System.Collections.Immutable;
using static HyperTune.Cluster.Registry.StudyRegistryProtocol;

namespace HyperTune.Cluster.Registry;

/// <summary>The persisted form of <see cref="StudyRegistryState"/> (earlier versions stored the list alone).</summary>
public sealed record StudyRegistrySnapshot(
    ImmutableList<StudyEntry> Studies,
    ImmutableDictionary<string, string> RequestIds);
