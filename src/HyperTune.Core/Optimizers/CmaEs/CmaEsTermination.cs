namespace HyperTune.Core.Optimizers.CmaEs;

/// <summary>
/// The stopping criteria of a run (after Hansen's BIPOP paper and pycma), checked after every generation. When one
/// holds, the restart strategy starts a new run; with no restart strategy the run simply continues.
/// </summary>
public static class CmaEsTermination
{
    // TolFun looks back this many generations plus 30 n / λ (Hansen 2009).
    private const int TolFunBaseGenerations = 10;

    // Stagnation compares the medians of the first and last fraction of a window of at least 120 + 30 n / λ
    // generations (and 20% of the run), at most 20,000 (Hansen 2009).
    private const int StagnationBaseGenerations = 120;
    private const double StagnationRunFraction = 0.2;
    private const int StagnationMaxGenerations = 20_000;
    private const double StagnationCompareFraction = 0.3;

    // NoEffectCoord: adding this many standard deviations to a coordinate of the mean changes nothing.
    private const double NoEffectDeviations = 0.2;

    /// <summary>The reason given when σ or C stopped being finite; every strategy restarts on it.</summary>
    public const string NumericalBreakdown = "numerical breakdown";

    /// <summary>Why the run should stop, or null to continue.</summary>
    public static string? Check(CmaEsState state, CmaEsSettings settings)
    {
        var n = state.Dimension;
        var lambda = state.Parameters.Lambda;
        if (!double.IsFinite(state.Sigma) || state.Sigma <= 0 || state.AxisLengths.Any(d => !double.IsFinite(d)))
            return NumericalBreakdown;

        var tolX = true;
        for (var i = 0; i < n && tolX; i++)
            tolX = state.CoordinateDeviation(i) < settings.TolX && state.Sigma * Math.Abs(state.PathC[i]) < settings.TolX;
        if (tolX) return "tolX";

        var maxD = state.AxisLengths.Max();
        var minD = state.AxisLengths.Min();
        if (maxD * maxD > settings.ConditionLimit * minD * minD) return "conditionCov";

        for (var i = 0; i < n; i++)
        {
            var m = state.Mean[i];
            if (m + NoEffectDeviations * state.CoordinateDeviation(i) == m) return "noEffectCoord";
        }

        var funWindow = TolFunBaseGenerations + (int)Math.Ceiling(30.0 * n / lambda);
        if (state.Generations >= funWindow && state.LastLosses.Length > 0)
        {
            var recent = state.BestHistory.Skip(state.BestHistory.Count - funWindow).Concat(state.LastLosses).ToArray();
            if (recent.Max() - recent.Min() < settings.TolFun) return "tolFun";
        }

        var window = (int)Math.Min(StagnationMaxGenerations,
            Math.Max(StagnationBaseGenerations + 30.0 * n / lambda, StagnationRunFraction * state.Generations));
        if (state.Generations >= window)
        {
            var part = Math.Max(1, (int)(StagnationCompareFraction * window));
            if (!Improved(state.BestHistory, window, part) && !Improved(state.MedianHistory, window, part)) return "stagnation";
        }
        return null;
    }

    // True when the median of the last `part` entries of the window is below the median of its first `part`.
    private static bool Improved(IReadOnlyList<double> history, int window, int part)
    {
        var start = history.Count - window;
        var first = Median(Enumerable.Range(start, part).Select(i => history[i]));
        var last = Median(Enumerable.Range(history.Count - part, part).Select(i => history[i]));
        return last < first;
    }

    private static double Median(IEnumerable<double> values)
    {
        var s = values.OrderBy(v => v).ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
}
