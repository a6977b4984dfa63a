using System.Globalization;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Schedulers.Pruners;

/// <summary>
/// Early stopping within a trial: a trial stagnates when none of its last <c>patience</c> reports improved on the
/// best of its earlier reports by more than <c>minDelta</c>. Alone it prunes a stagnating trial; with a nested
/// pruner it gives that pruner a say only once the trial stagnates (the nested pruner's prune is then applied),
/// which makes the nested rule more tolerant of trials that are still improving.
/// </summary>
public sealed class PatiencePruner : PrunerScheduler
{
    /// <summary>The spec's name for it.</summary>
    public const string TypeName = "patience";

    /// <summary>Creates the rule, optionally around <paramref name="inner"/>.</summary>
    public PatiencePruner(int patience, double minDelta = 0, ITrialScheduler? inner = null)
    {
        Patience = patience;
        MinDelta = minDelta;
        Inner = inner;
    }

    /// <summary>Reports without improvement before the trial stagnates.</summary>
    public int Patience { get; }

    /// <summary>An improvement must exceed this (in the metric's units).</summary>
    public double MinDelta { get; }

    /// <summary>The nested pruner, or null.</summary>
    public ITrialScheduler? Inner { get; }

    /// <inheritdoc />
    public override ReportDecision OnReport(TrialHistory history, int trialNumber)
    {
        if (Find(history, trialNumber) is not { } trial || trial.Intermediate.Count <= Patience)
            return ReportDecision.Continue;
        var losses = trial.Intermediate.Select(iv => history.Loss(iv.Value)).ToArray();
        var before = losses[..^Patience].Min();
        var recent = losses[^Patience..].Min();
        if (recent < before - MinDelta) return ReportDecision.Continue;
        var why = $"no improvement by more than {MinDelta.ToString(CultureInfo.InvariantCulture)} in its last " +
                  $"{Patience} reports";
        if (Inner is null) return ReportDecision.Prune(why);
        var inner = Inner.OnReport(history, trialNumber);
        return inner.Action == ReportAction.Prune
            ? ReportDecision.Prune($"{why}; {inner.Reason}")
            : ReportDecision.Continue;
    }
}
