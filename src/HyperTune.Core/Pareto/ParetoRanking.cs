namespace HyperTune.Core.Pareto;

/// <summary>
/// Pareto ranking of loss vectors (every objective minimized): domination, constrained domination, non-dominated
/// sorting into fronts and crowding distance, as NSGA-II defines them (Deb et al., 2002).
/// </summary>
/// <remarks>
/// Constrained domination: a feasible point (violation 0) dominates an infeasible one; of two infeasible points the
/// one with the smaller violation dominates; two feasible points compare by their losses.
/// </remarks>
public static class ParetoRanking
{
    /// <summary>True when <paramref name="a"/> is no worse than <paramref name="b"/> everywhere and better somewhere.</summary>
    public static bool Dominates(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        var better = false;
        for (var k = 0; k < a.Count; k++)
        {
            if (a[k] > b[k]) return false;
            if (a[k] < b[k]) better = true;
        }
        return better;
    }

    /// <summary>Domination that puts feasibility first (see the remarks of <see cref="ParetoRanking"/>).</summary>
    public static bool Dominates(IReadOnlyList<double> a, double violationA, IReadOnlyList<double> b, double violationB)
    {
        if (violationA == 0 && violationB == 0) return Dominates(a, b);
        if (violationA == 0) return true;
        if (violationB == 0) return false;
        return violationA < violationB;
    }

    /// <summary>
    /// The indices of the points no other point dominates, in index order (constrained domination when
    /// <paramref name="violations"/> is given).
    /// </summary>
    public static IReadOnlyList<int> FirstFront(IReadOnlyList<double[]> losses, IReadOnlyList<double>? violations = null)
    {
        // Points are visited best-first (by violation, then by the sum of their losses, which a dominated point
        // never has smaller than its dominator): by transitivity each needs comparing with the front so far only.
        var order = Enumerable.Range(0, losses.Count)
            .OrderBy(i => violations?[i] ?? 0).ThenBy(i => losses[i].Sum()).ThenBy(i => i).ToArray();
        var front = new List<int>();
        foreach (var i in order)
            if (!front.Any(j => Dominates(losses[j], violations?[j] ?? 0, losses[i], violations?[i] ?? 0)))
                front.Add(i);
        front.Sort();
        return front;
    }

    /// <summary>
    /// Non-dominated sorting: the fronts in order, each a list of indices in index order; front 0 is what
    /// <see cref="FirstFront"/> returns (equal points share a front).
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<int>> Sort(IReadOnlyList<double[]> losses, IReadOnlyList<double>? violations = null)
    {
        var n = losses.Count;
        var dominatedBy = new int[n];
        var dominates = new List<int>[n];
        for (var i = 0; i < n; i++) dominates[i] = new List<int>();
        for (var i = 0; i < n; i++)
        for (var j = i + 1; j < n; j++)
        {
            var vi = violations?[i] ?? 0;
            var vj = violations?[j] ?? 0;
            if (Dominates(losses[i], vi, losses[j], vj))
            {
                dominates[i].Add(j);
                dominatedBy[j]++;
            }
            else if (Dominates(losses[j], vj, losses[i], vi))
            {
                dominates[j].Add(i);
                dominatedBy[i]++;
            }
        }
        var fronts = new List<IReadOnlyList<int>>();
        var current = Enumerable.Range(0, n).Where(i => dominatedBy[i] == 0).ToList();
        while (current.Count > 0)
        {
            fronts.Add(current);
            var next = new List<int>();
            foreach (var i in current)
            foreach (var j in dominates[i])
                if (--dominatedBy[j] == 0) next.Add(j);
            next.Sort();
            current = next;
        }
        return fronts;
    }

    /// <summary>
    /// Crowding distance of each point of a front (same order as <paramref name="front"/>): the sum over objectives
    /// of the normalized gap between its neighbours; the extremes of each objective get positive infinity.
    /// </summary>
    public static double[] CrowdingDistance(IReadOnlyList<double[]> losses, IReadOnlyList<int> front)
    {
        var distance = new double[front.Count];
        if (front.Count == 0) return distance;
        var objectives = losses[front[0]].Length;
        var positions = Enumerable.Range(0, front.Count).ToArray();
        for (var k = 0; k < objectives; k++)
        {
            var sorted = positions.OrderBy(p => losses[front[p]][k]).ThenBy(p => p).ToArray();
            var low = losses[front[sorted[0]]][k];
            var high = losses[front[sorted[^1]]][k];
            distance[sorted[0]] = double.PositiveInfinity;
            distance[sorted[^1]] = double.PositiveInfinity;
            if (high - low <= 0) continue;
            for (var s = 1; s < sorted.Length - 1; s++)
                distance[sorted[s]] += (losses[front[sorted[s + 1]]][k] - losses[front[sorted[s - 1]]][k]) / (high - low);
        }
        return distance;
    }
}
