namespace HyperTune.Cluster.Workers;

/// <summary>
/// Chooses worker nodes for the trials one planning round dispatches: each goes to the node with the most free
/// slots, so trials spread over nodes in proportion to their free capacity rather than piling onto one. A node's
/// load is what this study runs there (known exactly) plus what the other studies last published for it; every
/// trial placed in the round adds one. Ties go to the node with fewer of this study's trials, then to the lowest
/// key, so the choice is deterministic.
/// </summary>
public sealed class WorkerPlacement
{
    private readonly IReadOnlyList<WorkerNode> _nodes;
    private readonly Dictionary<string, int> _load = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _own = new(StringComparer.Ordinal);

    /// <summary>Starts a round.</summary>
    /// <param name="nodes">Worker nodes that are up and not leaving.</param>
    /// <param name="studyId">The study placing trials.</param>
    /// <param name="ownLoad">How many of this study's trials run on each node now.</param>
    public WorkerPlacement(IReadOnlyList<WorkerNode> nodes, string studyId, IReadOnlyDictionary<string, int> ownLoad)
    {
        _nodes = nodes;
        foreach (var n in nodes)
        {
            var own = ownLoad.GetValueOrDefault(n.NodeKey);
            _own[n.NodeKey] = own;
            _load[n.NodeKey] = own + n.BusyExcept(studyId);
        }
    }

    /// <summary>The node for the next trial (recorded as one more trial there), or null when no node has a free slot.</summary>
    public string? Next()
    {
        string? best = null;
        int bestFree = 0, bestOwn = 0;
        foreach (var n in _nodes)
        {
            var free = n.Slots - _load[n.NodeKey];
            var own = _own[n.NodeKey];
            if (free <= 0) continue;
            if (best is null || free > bestFree || (free == bestFree && (own < bestOwn || (own == bestOwn && string.CompareOrdinal(n.NodeKey, best) < 0))))
            {
                best = n.NodeKey;
                bestFree = free;
                bestOwn = own;
            }
        }
        if (best is not null)
        {
            _load[best]++;
            _own[best]++;
        }
        return best;
    }
}
