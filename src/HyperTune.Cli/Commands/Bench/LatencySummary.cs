namespace HyperTune.Cli.Commands.Bench;

/// <summary>Count, median, 90th percentile and maximum of latencies in milliseconds (NaN when empty).</summary>
internal sealed record LatencySummary(int Count, double MedianMs, double P90Ms, double MaxMs)
{
    /// <summary>Summarizes <paramref name="milliseconds"/>; percentiles interpolate between order statistics.</summary>
    public static LatencySummary Of(IReadOnlyCollection<double> milliseconds)
    {
        if (milliseconds.Count == 0) return new LatencySummary(0, double.NaN, double.NaN, double.NaN);
        var sorted = milliseconds.Order().ToArray();
        return new LatencySummary(sorted.Length, Quantile(sorted, 0.5), Quantile(sorted, 0.9), sorted[^1]);
    }

    private static double Quantile(double[] sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
    }
}
