using System.Globalization;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;
using MathNet.Numerics.Distributions;

namespace HyperTune.Core.Schedulers.Pruners;

/// <summary>
/// Fold racing for cross-validated trainables (whose step m reports the mean over their first m folds): after each
/// fold, a trial is stopped when it is worse than the best completed trial on the same folds, significantly so by a
/// one-sided paired t-test at <see cref="Confidence"/> (as racing methods such as F-Race and irace compare
/// candidates on the same instances). Folds are the same rows for every trial of a study, so the per-fold
/// differences remove most of the fold-to-fold noise.
/// </summary>
/// <remarks>
/// The rule: with the trial's fold values a_1..a_m, the incumbent's b_1..b_m (recovered from the running means),
/// and the differences of losses d_i = loss(a_i) - loss(b_i) (loss = the value, negated when maximizing), the trial
/// is stopped when m is at least <see cref="MinFolds"/> and mean(d) &gt; t(confidence, m-1) · sd(d) / sqrt(m), with
/// sd(d) the sample standard deviation (a trial worse by the same amount on every fold is stopped).
/// </remarks>
public sealed class FoldRacingPruner : PrunerScheduler
{
    /// <summary>The spec's name for it.</summary>
    public const string TypeName = "fold-racing";

    /// <summary>Creates the rule.</summary>
    public FoldRacingPruner(int minFolds = 2, double confidence = 0.95)
    {
        if (minFolds < 2) throw new ArgumentOutOfRangeException(nameof(minFolds), minFolds, "at least 2");
        if (confidence is <= 0.5 or >= 1) throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "in (0.5, 1)");
        MinFolds = minFolds;
        Confidence = confidence;
    }

    /// <summary>No trial is stopped before this many folds have reported.</summary>
    public int MinFolds { get; }

    /// <summary>Confidence of the one-sided paired test that the trial is worse than the incumbent.</summary>
    public double Confidence { get; }

    /// <summary>Reads <c>minFolds</c> (default 2) and <c>confidence</c> (default 0.95, in (0.5, 1)).</summary>
    public static FoldRacingPruner FromSettings(JsonSettings settings)
    {
        var minFolds = settings.GetInt("minFolds", 2, 2, Validation.ValidationSpec.MaxFolds);
        var confidence = settings.GetDouble("confidence", 0.95, 0.5, 1);
        settings.EnsureNoUnknownFields();
        if (confidence is <= 0.5 or >= 1)
            throw new SpecException(settings.PathOf("confidence"), $"must be between 0.5 and 1 (exclusive), got {confidence}");
        return new FoldRacingPruner(minFolds, confidence);
    }

    /// <inheritdoc />
    public override ReportDecision OnReport(TrialHistory history, int trialNumber)
    {
        if (Find(history, trialNumber) is not { } trial || trial.LastIntermediate is not { } last) return ReportDecision.Continue;
        var m = (int)Math.Min(last.Step, int.MaxValue);
        if (m < MinFolds || history.IsMultiObjective || history.Best is not { } best || best.Number == trialNumber)
            return ReportDecision.Continue;
        if (FoldValues(trial, m) is not { } ours || FoldValues(best, m) is not { } theirs) return ReportDecision.Continue;
        var d = new double[m];
        for (var i = 0; i < m; i++) d[i] = history.Loss(ours[i]) - history.Loss(theirs[i]);
        var mean = d.Average();
        if (!(mean > 0)) return ReportDecision.Continue;
        var sd = Math.Sqrt(d.Sum(x => (x - mean) * (x - mean)) / (m - 1));
        var margin = StudentT.InvCDF(0, 1, m - 1, Confidence) * sd / Math.Sqrt(m);
        if (!(mean > margin)) return ReportDecision.Continue;
        return ReportDecision.Prune(string.Create(CultureInfo.InvariantCulture,
            $"worse than trial {best.Number} on the same {m} folds by {mean:G4} on average " +
            $"(paired t-test at {Confidence:P0}: margin {margin:G4})"));
    }

    /// <summary>
    /// The values of folds 1..<paramref name="m"/> of a trial, recovered from its running means at steps 1..m, or
    /// null when one of those steps is missing.
    /// </summary>
    internal static double[]? FoldValues(TrialRecord trial, int m)
    {
        var means = new double?[m + 1];
        foreach (var v in trial.Intermediate)
            if (v.Step >= 1 && v.Step <= m) means[v.Step] = v.Value;
        var values = new double[m];
        for (var i = 1; i <= m; i++)
        {
            if (means[i] is not { } mean) return null;
            values[i - 1] = i == 1 ? mean : i * mean - (i - 1) * means[i - 1]!.Value;
        }
        return values;
    }
}
