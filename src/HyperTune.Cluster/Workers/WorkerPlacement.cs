namespace HyperTune.Cluster.Workers;

/// <summary>
/// Chooses the worker node for a trial: the one with the most free slots, so trials spread over nodes in
/// proportion to their free capacity rather than piling onto one. A node's load is the larger of what it last
/// published and what this study itself has dispatched there (the published figure lags). Ties go to the node
/// with fewer of this study's trials, then to the lowest key, so the choice is deterministic.
/// </summary>
public static class WorkerPlacement
{
    /// <summary>The chosen node key, or null when no node has a free slot.</summary>
    /// <param name="nodes">Worker nodes that are up and not leaving.</param>
    /// <param name="ownLoad">How many of this study's trials run on each node.</param>
    public static string? Choose(IReadOnlyList<WorkerNode> nodes, IReadOnlyDictionary<string, int> ownLoad)
    {
        string? best = null;
        int bestFree = 0, bestOwn = 0;
        foreach (var n in nodes)
        {
            var own = ownLoad.GetValueOrDefault(n.NodeKey);
            var free = n.Slots - Math.Max(n.Busy, own);
            if (free <= 0) continue;
            if (best is null || free > bestFree || (free == bestFree && (own < bestOwn || (own == bestOwn && string.CompareOrdinal(n.NodeKey, best) < 0))))
            {
                best = n.NodeKey;
                bestFree = free;
                bestOwn = own;
            }
        }
        return best;
    }
}
