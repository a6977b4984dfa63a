namespace HyperTune.Core.Pareto;

/// <summary>
/// The hypervolume indicator: the measure of the region a set of loss vectors dominates and a reference point
/// bounds (every objective minimized). Exact: a sweep in two objectives, slicing along the first objective above
/// that (fine for the few hundred front points of a tuning study).
/// </summary>
public static class Hypervolume
{
    /// <summary>The hypervolume of <paramref name="points"/> with respect to <paramref name="reference"/>.</summary>
    public static double Compute(IEnumerable<IReadOnlyList<double>> points, IReadOnlyList<double> reference)
    {
        var inside = points.Where(p => Enumerable.Range(0, reference.Count).All(k => p[k] < reference[k]))
            .Select(p => p.ToArray()).ToList();
        return Slice(inside, reference.ToArray());
    }

    /// <summary>
    /// How much hypervolume each point alone adds to the others (0 for a dominated or duplicated point), in the
    /// order given.
    /// </summary>
    public static double[] Contributions(IReadOnlyList<double[]> points, IReadOnlyList<double> reference)
    {
        var total = Compute(points, reference);
        var result = new double[points.Count];
        for (var i = 0; i < points.Count; i++)
            result[i] = Math.Max(0, total - Compute(points.Where((_, j) => j != i), reference));
        return result;
    }

    private static double Slice(List<double[]> points, double[] reference)
    {
        if (points.Count == 0) return 0;
        var d = reference.Length;
        if (d == 1) return reference[0] - points.Min(p => p[0]);
        if (d == 2) return Sweep2(points, reference[0], reference[1]);
        // Sorted by the first objective, the slab between consecutive first coordinates is dominated by exactly
        // the points up to there: its volume is the width times the (d-1)-dimensional hypervolume of those points.
        points.Sort((a, b) => a[0].CompareTo(b[0]));
        var rest = reference[1..];
        var total = 0.0;
        var prefix = new List<double[]>(points.Count);
        for (var i = 0; i < points.Count; i++)
        {
            prefix.Add(points[i][1..]);
            var next = i + 1 < points.Count ? points[i + 1][0] : reference[0];
            if (next > points[i][0]) total += (next - points[i][0]) * Slice(NonDominated(prefix), rest);
        }
        return total;
    }

    private static double Sweep2(List<double[]> points, double r0, double r1)
    {
        var sorted = points.OrderBy(p => p[0]).ThenBy(p => p[1]).ToList();
        var hv = 0.0;
        var bestSecond = r1;
        foreach (var p in sorted)
            if (p[1] < bestSecond)
            {
                hv += (r0 - p[0]) * (bestSecond - p[1]);
                bestSecond = p[1];
            }
        return hv;
    }

    // Dropping dominated points keeps the recursion's sets small; it never changes the volume.
    private static List<double[]> NonDominated(List<double[]> points) =>
        ParetoRanking.FirstFront(points).Select(i => points[i]).ToList();
}
