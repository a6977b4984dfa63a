using System.Globalization;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Schedulers.Pruners;

/// <summary>
/// Prunes a trial whose value at a step is worse than a percentile of the completed trials' values at the same step
/// (<c>median</c> is the 50th percentile; <c>percentile: 25</c> keeps only trials in the best quarter).
/// </summary>
/// <remarks>
/// A trial's value at step s is the best value it reported up to s, for the trial judged and for the others alike,
/// so a noisy curve is not pruned for one bad report. The others are the completed trials that reported at s or
/// later (they got that far); a trial that never reached s, or only reported after it, is left out. A step no
/// completed trial reached decides nothing: the trial continues. Nothing is pruned before
/// <c>startupTrials</c> trials completed, at the first <c>warmupSteps</c> steps, or between checks: a check falls
/// on the first report at or past each step <c>warmupSteps + k × interval</c> (k ≥ 1).
/// </remarks>
public sealed class PercentilePruner : PrunerScheduler
{
    /// <summary>The spec's name for the median rule.</summary>
    public const string MedianTypeName = "median";

    /// <summary>The spec's name for the percentile rule.</summary>
    public const string TypeName = "percentile";

    /// <summary>Creates the rule; <paramref name="percentile"/> is in 0..100.</summary>
    public PercentilePruner(double percentile, int startupTrials = 5, long warmupSteps = 0, long interval = 1)
    {
        Percentile = percentile;
        StartupTrials = startupTrials;
        WarmupSteps = warmupSteps;
        Interval = interval;
    }

    /// <summary>The percentile of the other trials' values a trial must not be worse than.</summary>
    public double Percentile { get; }

    /// <summary>Completed trials needed before anything is pruned.</summary>
    public int StartupTrials { get; }

    /// <summary>Steps 1..warmupSteps of every trial are never pruned.</summary>
    public long WarmupSteps { get; }

    /// <summary>Steps between checks after the warm-up.</summary>
    public long Interval { get; }

    /// <summary>
    /// Reads <c>startupTrials</c> (default 5), <c>warmupSteps</c> (default 0), <c>interval</c> (default 1) and, for
    /// <c>percentile</c>, <c>percentile</c> (default 25); <c>median</c> fixes it at 50.
    /// </summary>
    public static PercentilePruner FromSettings(JsonSettings settings, bool median)
    {
        var percentile = median ? 50 : settings.GetDouble("percentile", 25, 0, 100);
        var pruner = new PercentilePruner(percentile,
            settings.GetInt("startupTrials", 5, 0, 10_000_000),
            settings.GetOptionalLong("warmupSteps", 0, int.MaxValue) ?? 0,
            settings.GetOptionalLong("interval", 1, int.MaxValue) ?? 1);
        settings.EnsureNoUnknownFields();
        return pruner;
    }

    /// <inheritdoc />
    public override ReportDecision OnReport(TrialHistory history, int trialNumber)
    {
        if (Find(history, trialNumber) is not { LastIntermediate: { } last } trial) return ReportDecision.Continue;
        var step = last.Step;
        if (step <= WarmupSteps || !IsCheck(trial)) return ReportDecision.Continue;
        var completed = history.Completed.Where(t => t.Number != trialNumber).ToList();
        if (completed.Count < StartupTrials) return ReportDecision.Continue;
        var others = completed
            .Where(t => t.LastIntermediate is { } l && l.Step >= step)
            .Select(t => BestLossUpTo(history, t, step))
            .Where(l => l is not null)
            .Select(l => l!.Value)
            .Order()
            .ToArray();
        if (others.Length == 0) return ReportDecision.Continue;
        var own = BestLossUpTo(history, trial, step)!.Value;
        var threshold = PercentileOf(others, Percentile);
        if (own <= threshold) return ReportDecision.Continue;
        var p = Percentile.ToString("0.##", CultureInfo.InvariantCulture);
        return ReportDecision.Prune(
            $"at step {step} its best value {Format(history.Loss(own))} is worse than the {p}th percentile " +
            $"{Format(history.Loss(threshold))} of {others.Length} completed trials");
    }

    /// <summary>
    /// The <paramref name="percentile"/>th percentile of sorted values, interpolating linearly between neighbours.
    /// </summary>
    public static double PercentileOf(IReadOnlyList<double> sorted, double percentile)
    {
        var position = percentile / 100 * (sorted.Count - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
    }

    // The loss's sign makes "best" the minimum whatever the direction (see TrialHistory.Loss).
    private static double? BestLossUpTo(TrialHistory history, TrialRecord trial, long step)
    {
        double? best = null;
        foreach (var iv in trial.Intermediate)
            if (iv.Step <= step && (best is null || history.Loss(iv.Value) < best)) best = history.Loss(iv.Value);
        return best;
    }

    private static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    private bool IsCheck(TrialRecord trial)
    {
        var step = trial.Intermediate[^1].Step;
        var previous = trial.Intermediate.Count > 1 ? trial.Intermediate[^2].Step : 0;
        return CheckIndex(step) > CheckIndex(previous);
    }

    private long CheckIndex(long step) => step <= WarmupSteps ? 0 : (step - WarmupSteps) / Interval;
}
