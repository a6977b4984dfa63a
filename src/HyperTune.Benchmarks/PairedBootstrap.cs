namespace HyperTune.Benchmarks;

/// <summary>
/// How sure a ratio of median regrets between two runs on the same seeds is: the seeds are resampled with
/// replacement, each seed keeping its pair of regrets (the two runs share the problem instance and the initial
/// randomness), and the ratio of medians is recomputed on every resample.
/// </summary>
/// <remarks>
/// Ten seeds decide little: the median of ten final regrets moves by tens of percent between seed blocks, so a
/// per-problem ratio of 1.4 may be noise. The interval says whether a run is clearly above or below a goal, or
/// whether its seeds cannot tell.
/// </remarks>
public static class PairedBootstrap
{
    /// <summary>Resamples drawn for an interval.</summary>
    public const int Resamples = 4000;

    // A fixed seed: the same two runs always print the same interval.
    private const int Seed = 20261123;

    /// <summary>
    /// The central interval of the ratio median(<paramref name="mine"/>) / median(<paramref name="theirs"/>) holding
    /// <paramref name="level"/> of the resampled ratios, each regret raised to <paramref name="floor"/> first.
    /// </summary>
    /// <exception cref="ArgumentException">The two runs do not have the same number of seeds, or have none.</exception>
    public static (double Low, double High) MedianRatioInterval(IReadOnlyList<double> mine, IReadOnlyList<double> theirs, double floor, double level = 0.9)
    {
        if (mine.Count != theirs.Count || mine.Count == 0)
            throw new ArgumentException($"paired runs need the same seeds: {mine.Count} and {theirs.Count} regrets");
        var n = mine.Count;
        var random = new Random(Seed);
        var a = new double[n];
        var b = new double[n];
        var ratios = new double[Resamples];
        for (var r = 0; r < Resamples; r++)
        {
            for (var i = 0; i < n; i++)
            {
                var seed = random.Next(n);
                a[i] = Math.Max(mine[seed], floor);
                b[i] = Math.Max(theirs[seed], floor);
            }
            ratios[r] = Statistics.Median(a) / Statistics.Median(b);
        }
        var tail = (1 - level) / 2;
        return (Statistics.Quantile(ratios, tail), Statistics.Quantile(ratios, 1 - tail));
    }
}
