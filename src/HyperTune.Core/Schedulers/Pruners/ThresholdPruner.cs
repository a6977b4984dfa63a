using System.Globalization;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Schedulers.Pruners;

/// <summary>
/// Prunes a trial as soon as a reported value leaves the range [lower, upper] (in the metric's own units, whatever
/// the direction), after the first <c>warmupSteps</c> steps: for diverging losses or accuracies stuck at chance.
/// </summary>
public sealed class ThresholdPruner : PrunerScheduler
{
    /// <summary>The spec's name for it.</summary>
    public const string TypeName = "threshold";

    /// <summary>Creates the rule; at least one bound is given.</summary>
    public ThresholdPruner(double? lower, double? upper, long warmupSteps = 0)
    {
        Lower = lower;
        Upper = upper;
        WarmupSteps = warmupSteps;
    }

    /// <summary>Values below this are pruned (null: no lower bound).</summary>
    public double? Lower { get; }

    /// <summary>Values above this are pruned (null: no upper bound).</summary>
    public double? Upper { get; }

    /// <summary>Steps 1..warmupSteps are never pruned.</summary>
    public long WarmupSteps { get; }

    /// <summary>Reads <c>lower</c>, <c>upper</c> (at least one) and <c>warmupSteps</c> (default 0).</summary>
    public static ThresholdPruner FromSettings(JsonSettings settings)
    {
        var lower = settings.GetOptionalDouble("lower");
        var upper = settings.GetOptionalDouble("upper");
        var warmup = settings.GetOptionalLong("warmupSteps", 0, int.MaxValue) ?? 0;
        settings.EnsureNoUnknownFields();
        if (lower is null && upper is null)
            throw new SpecException(settings.PathOf("lower"), "give lower, upper or both (a threshold needs a bound)");
        if (lower is { } lo && upper is { } hi && lo > hi)
            throw new SpecException(settings.PathOf("upper"),
                $"must be at least lower ({Format(lo)}), got {Format(hi)}");
        return new ThresholdPruner(lower, upper, warmup);
    }

    /// <inheritdoc />
    public override ReportDecision OnReport(TrialHistory history, int trialNumber)
    {
        if (Find(history, trialNumber)?.LastIntermediate is not { } last || last.Step <= WarmupSteps)
            return ReportDecision.Continue;
        var value = last.Value.ToString("G6", CultureInfo.InvariantCulture);
        if (Lower is { } lo && !(last.Value >= lo))
            return ReportDecision.Prune($"value {value} at step {last.Step} is below {Format(lo)}");
        if (Upper is { } hi && !(last.Value <= hi))
            return ReportDecision.Prune($"value {value} at step {last.Step} is above {Format(hi)}");
        return ReportDecision.Continue;
    }

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
