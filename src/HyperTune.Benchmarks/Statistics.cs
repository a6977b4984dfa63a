namespace HyperTune.Benchmarks;

/// <summary>Order statistics used in benchmark summaries.</summary>
public static class Statistics
{
    /// <summary>The median (mean of the two middle values for an even count); NaN when empty.</summary>
    public static double Median(IEnumerable<double> values) => Quantile(values, 0.5);

    /// <summary>
    /// The q-quantile with linear interpolation between order statistics (numpy's default); NaN when empty.
    /// </summary>
    public static double Quantile(IEnumerable<double> values, double q)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0) return double.NaN;
        var position = q * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        var fraction = position - lower;
        // Infinite values (studies with no completed trial) must not turn the median into NaN.
        return fraction == 0 ? sorted[lower] : sorted[lower] + (sorted[upper] - sorted[lower]) * fraction;
    }

    /// <summary>The arithmetic mean; NaN when empty.</summary>
    public static double Mean(IEnumerable<double> values)
    {
        var array = values.ToArray();
        return array.Length == 0 ? double.NaN : array.Average();
    }
}
