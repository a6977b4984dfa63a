using System.Collections.Immutable;

namespace HyperTune.Cluster.Workers;

/// <summary>
/// A cluster node that runs trials, as coordinators see it: its key (address and incarnation), its slots, and how
/// many trials each study last said it runs there (published through distributed data; may lag a little).
/// </summary>
public sealed record WorkerNode(string NodeKey, int Slots)
{
    /// <summary>Running trials per study, as last published by the node.</summary>
    public ImmutableSortedDictionary<string, int> BusyByStudy { get; init; } = ImmutableSortedDictionary<string, int>.Empty;

    /// <summary>A node with <paramref name="busy"/> trials of some other study running (tests, simple cases).</summary>
    public WorkerNode(string nodeKey, int slots, int busy) : this(nodeKey, slots) =>
        BusyByStudy = busy == 0 ? ImmutableSortedDictionary<string, int>.Empty : ImmutableSortedDictionary<string, int>.Empty.Add("", busy);

    /// <summary>Trials of studies other than <paramref name="studyId"/> running on the node.</summary>
    public int BusyExcept(string studyId) => BusyByStudy.Where(kv => kv.Key != studyId).Sum(kv => kv.Value);

    /// <inheritdoc />
    public bool Equals(WorkerNode? other) =>
        other is not null && NodeKey == other.NodeKey && Slots == other.Slots && BusyByStudy.SequenceEqual(other.BusyByStudy);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(NodeKey, Slots, BusyByStudy.Count);
}
