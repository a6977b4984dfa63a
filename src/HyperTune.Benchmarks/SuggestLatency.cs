namespace HyperTune.Benchmarks;

/// <summary>Suggest latency of one optimizer setup at one history size.</summary>
/// <param name="Optimizer">The setup's name.</param>
/// <param name="HistorySize">Completed trials in the history.</param>
/// <param name="MedianMilliseconds">Median duration of a call to a freshly built optimizer (NaN when skipped).</param>
/// <param name="P90Milliseconds">90th percentile of those calls (NaN when skipped).</param>
/// <param name="Calls">Timed calls.</param>
/// <param name="Skipped">Why it was not measured, or null.</param>
public sealed record SuggestLatency(string Optimizer, int HistorySize, double MedianMilliseconds, double P90Milliseconds, int Calls, string? Skipped)
{
    /// <summary>
    /// Median duration of a call to one optimizer kept across calls, each call seeing one more completed trial:
    /// what a running study pays per trial. NaN when not measured.
    /// </summary>
    public double WarmMedianMilliseconds { get; init; } = double.NaN;

    /// <summary>90th percentile of the warm calls.</summary>
    public double WarmP90Milliseconds { get; init; } = double.NaN;
}
