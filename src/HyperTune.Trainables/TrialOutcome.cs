namespace HyperTune.Trainables;

/// <summary>How a trial's evaluation ended: the final metrics, or why it failed.</summary>
public sealed record TrialOutcome(IReadOnlyDictionary<string, double> Metrics, string? FailureReason)
{
    /// <summary>A successful evaluation with its final metrics.</summary>
    public static TrialOutcome Completed(IReadOnlyDictionary<string, double> metrics) => new(metrics, null);

    /// <summary>
    /// The run stopped at this step, as its <see cref="TrialContext.StopAtStep"/> asked, with its checkpoint kept:
    /// the trial is paused, not finished. Null for completed and failed runs.
    /// </summary>
    public long? PausedAtStep { get; init; }

    /// <summary>A run that stopped at <paramref name="step"/> to pause, with the metrics of its last report.</summary>
    public static TrialOutcome Paused(long step, IReadOnlyDictionary<string, double> metrics) =>
        new(metrics, null) { PausedAtStep = step };

    /// <summary>A failed evaluation.</summary>
    public static TrialOutcome Failed(string reason) => new(new Dictionary<string, double>(), reason);

    /// <summary>
    /// The value of the study metric, or the reason the trial counts as failed: the evaluation failed, the metric is
    /// missing from the final report, or it is NaN or infinite.
    /// </summary>
    public (double? Value, string? Failure) Judge(string metric) => Judge(new[] { metric });

    /// <summary>
    /// As <see cref="Judge(string)"/> for a study with several objectives: every one of <paramref name="metrics"/>
    /// must be in the final report with a finite value; the value returned is the first one's.
    /// </summary>
    public (double? Value, string? Failure) Judge(IReadOnlyList<string> metrics)
    {
        double? first = null;
        foreach (var metric in metrics)
        {
            var (value, failure) = JudgeOne(metric);
            if (failure is not null) return (null, failure);
            first ??= value;
        }
        return (first, null);
    }

    private (double? Value, string? Failure) JudgeOne(string metric)
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
