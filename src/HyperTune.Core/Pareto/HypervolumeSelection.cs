namespace HyperTune.Core.Pareto;

/// <summary>
/// Greedy hypervolume subset selection: orders points so that each next one adds the most hypervolume to those
/// before it (the usual approximation of the hypervolume subset selection problem Optuna's MOTPE solves for its
/// "good" set). A front's spread-out, well-placed points come first; its degenerate extremes do not.
/// </summary>
public static class HypervolumeSelection
{
    /// <summary>
    /// The indices of <paramref name="points"/> in greedy order for the first <paramref name="count"/> places, the
    /// rest after them in index order. Ties go to the lower index. Of more than <see cref="MaxCandidates"/> points,
    /// only those with the largest boxes (the volume each dominates alone) are candidates.
    /// </summary>
    public static int[] GreedyOrder(IReadOnlyList<double[]> points, IReadOnlyList<double> reference, int count)
    {
        // The greedy steps cost candidates x places hypervolumes: on a large front only the points whose own box is
        // among the largest compete (a point with a small box cannot add much); the others follow in index order.
        var candidates = points.Count <= MaxCandidates
            ? Enumerable.Range(0, points.Count).ToList()
            : Enumerable.Range(0, points.Count).OrderByDescending(i => Box(points[i], reference)).ThenBy(i => i)
                .Take(MaxCandidates).OrderBy(i => i).ToList();
        var remaining = candidates;
        var order = new List<int>(points.Count);
        var selected = new List<IReadOnlyList<double>>();
        var selectedVolume = 0.0;
        while (remaining.Count > 0 && order.Count < count)
        {
            var best = -1;
            var bestVolume = double.NegativeInfinity;
            foreach (var i in remaining)
            {
                selected.Add(points[i]);
                var volume = Hypervolume.Compute(selected, reference);
                selected.RemoveAt(selected.Count - 1);
                if (best < 0 || volume > bestVolume + 1e-12 * Math.Abs(bestVolume))
                {
                    best = i;
                    bestVolume = volume;
                }
            }
            // Nothing adds volume any more (duplicates, points on the reference's bounds): the rest keep their order.
            if (bestVolume <= selectedVolume) break;
            order.Add(best);
            remaining.Remove(best);
            selected.Add(points[best]);
            selectedVolume = bestVolume;
        }
        order.AddRange(remaining);
        if (order.Count < points.Count)
        {
            var placed = order.ToHashSet();
            order.AddRange(Enumerable.Range(0, points.Count).Where(i => !placed.Contains(i)));
        }
        return order.ToArray();
    }

    /// <summary>Candidates the greedy steps consider at most.</summary>
    public const int MaxCandidates = 48;

    private static double Box(double[] point, IReadOnlyList<double> reference)
    {
        var volume = 1.0;
        for (var k = 0; k < point.Length; k++) volume *= Math.Max(0, reference[k] - point[k]);
        return volume;
    }

    /// <summary>
    /// A reference point for points with no given one: each objective's worst value plus a tenth of its range (or of
    /// its magnitude, or 1, when the range is zero), so every point, extremes included, bounds some volume.
    /// </summary>
    public static double[] NadirReference(IReadOnlyList<double[]> points)
    {
        var d = points[0].Length;
        var reference = new double[d];
        for (var k = 0; k < d; k++)
        {
            var max = points.Max(p => p[k]);
            var range = max - points.Min(p => p[k]);
            reference[k] = max + (range > 0 ? 0.1 * range : Math.Max(1e-12, 0.1 * Math.Abs(max)) is var m && m > 0 ? m : 1);
        }
        return reference;
    }
}
