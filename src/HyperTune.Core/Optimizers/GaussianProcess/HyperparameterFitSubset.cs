namespace HyperTune.Core.Optimizers.GaussianProcess;

/// <summary>
/// Which observations the hyperparameter fit uses when there are more than it can afford (each likelihood evaluation
/// costs O(n³)): the better half of the budget goes to the lowest outputs, which is where the optimizer works and
/// where the length scales matter most; the other half is spread evenly, by trial order, over the remaining
/// observations, so the fit still sees the whole space with the density at which it was explored. The selection
/// depends only on the outputs' order and ties go to the earlier trial, so it is deterministic.
/// </summary>
internal static class HyperparameterFitSubset
{
    /// <summary>
    /// Indices (ascending) of at most <paramref name="maxPoints"/> of the observations with outputs <paramref name="y"/>
    /// (all of them when they fit).
    /// </summary>
    public static int[] Select(IReadOnlyList<double> y, int maxPoints)
    {
        var n = y.Count;
        if (maxPoints <= 0) throw new ArgumentOutOfRangeException(nameof(maxPoints));
        if (n <= maxPoints) return Enumerable.Range(0, n).ToArray();
        var bestCount = (maxPoints + 1) / 2;
        var chosen = new bool[n];
        foreach (var i in Enumerable.Range(0, n).OrderBy(i => y[i]).ThenBy(i => i).Take(bestCount)) chosen[i] = true;
        var rest = Enumerable.Range(0, n).Where(i => !chosen[i]).ToArray();
        var spread = maxPoints - bestCount;
        // Evenly strided over the rest, first and last included: position ⌊k·(R-1)/(S-1)⌋ for k = 0..S-1.
        for (var k = 0; k < spread; k++)
            chosen[rest[spread == 1 ? 0 : (int)((long)k * (rest.Length - 1) / (spread - 1))]] = true;
        return Enumerable.Range(0, n).Where(i => chosen[i]).ToArray();
    }
}
