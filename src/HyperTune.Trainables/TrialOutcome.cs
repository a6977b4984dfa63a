namespace HyperTune.Trainables;

/// <summary>How a trial's evaluation ended: the final metrics, or why it failed.</summary>
public sealed record TrialOutcome(IReadOnlyDictionary<string, double> Metrics, string? FailureReason)
{
    /// <summary>A successful evaluation with its final metrics.</summary>
    public static TrialOutcome Completed(IReadOnlyDictionary<string, double> metrics) => new(metrics, null);

    /// <summary>A failed evaluation.</summary>
    public static TrialOutcome Failed(string reason) => new(new Dictionary<string, double>(), reason);

    /// <summary>
    /// The value of the study metric, or the reason the trial counts as failed: the evaluation failed, the metric is
    /// missing from the final report, or it is NaN or infinite.
    /// </summary>
    public (double? Value, string? Failure) Judge(string metric)
    {
        if (FailureReason is not null) return (null, FailureReason);
        if (!Metrics.TryGetValue(metric, out var v))
            return (null, Metrics.Count == 0
                ? $"the trial reported no metrics (expected '{metric}')"
                : $"metric '{metric}' missing from the final report (reported: {string.Join(", ", Metrics.Keys)})");
        if (double.IsNaN(v)) return (null, $"metric '{metric}' is NaN");
        if (double.IsInfinity(v)) return (null, $"metric '{metric}' is infinite");
        return (v, null);
    }
}
