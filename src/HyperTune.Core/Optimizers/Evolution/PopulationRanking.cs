using HyperTune.Core.Pareto;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Optimizers.Evolution;

/// <summary>
/// Orders finished trials best first, as survival and parent selection need them. One objective: feasible before
/// infeasible (less violation first), then by loss. Several: NSGA-II's crowded comparison, constrained non-dominated
/// fronts first, then larger crowding distance within a front. Trials without values (failed, or stopped before
/// reporting every objective) come last, in trial order; ties keep trial order.
/// </summary>
internal static class PopulationRanking
{
    /// <summary>The best <paramref name="count"/> of <paramref name="candidates"/>, best first.</summary>
    public static List<TrialRecord> Best(TrialHistory history, IReadOnlyList<TrialRecord> candidates, int count)
    {
        var ranked = history.IsMultiObjective ? RankFronts(history, candidates, count) : RankSingle(history, candidates);
        return ranked.Count > count ? ranked.GetRange(0, count) : ranked;
    }

    private static List<TrialRecord> RankSingle(TrialHistory history, IReadOnlyList<TrialRecord> candidates)
    {
        var scored = new List<(double Violation, double Loss, int Number, TrialRecord Trial)>();
        var unscored = new List<TrialRecord>();
        foreach (var t in candidates)
        {
            if (t.Value is { } v && double.IsFinite(v) && t.State is TrialState.Complete or TrialState.Pruned)
                scored.Add((history.Violation(t), history.Loss(v), t.Number, t));
            else unscored.Add(t);
        }
        return scored.OrderBy(s => s.Violation).ThenBy(s => s.Loss).ThenBy(s => s.Number).Select(s => s.Trial)
            .Concat(unscored.OrderBy(t => t.Number)).ToList();
    }

    private static List<TrialRecord> RankFronts(TrialHistory history, IReadOnlyList<TrialRecord> candidates, int count)
    {
        var scored = new List<TrialRecord>();
        var losses = new List<double[]>();
        var unscored = new List<TrialRecord>();
        foreach (var t in candidates.OrderBy(t => t.Number))
        {
            if (history.Losses(t) is { } l)
            {
                scored.Add(t);
                losses.Add(l);
            }
            else unscored.Add(t);
        }
        var violations = scored.Select(history.Violation).ToArray();
        var ranked = new List<TrialRecord>(candidates.Count);
        foreach (var front in ParetoRanking.Sort(losses, violations))
        {
            if (ranked.Count >= count) break;
            // Infeasible fronts hold equal violations: their losses say nothing useful about spread, so trial order.
            var crowding = violations[front[0]] == 0 ? ParetoRanking.CrowdingDistance(losses, front) : new double[front.Count];
            ranked.AddRange(Enumerable.Range(0, front.Count).OrderByDescending(p => crowding[p]).ThenBy(p => front[p])
                .Select(p => scored[front[p]]));
        }
        ranked.AddRange(unscored);
        return ranked;
    }
}
