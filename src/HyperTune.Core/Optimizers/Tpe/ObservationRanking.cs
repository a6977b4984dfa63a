using HyperTune.Core.Optimizers.Fidelity;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Optimizers.Tpe;

/// <summary>
/// The trials TPE learns from, best first: complete trials by loss; then pruned trials, those that got further
/// first and among equals by their last intermediate loss (as Optuna ranks them: a pruned trial was worse than the
/// trials that went on); then failed trials (always bad observations, so the region that crashes is learned); then,
/// with the constant liar, pending trials, which only ever count as bad observations. Paused trials are ranked like pruned ones by their last intermediate value (unless left
/// out: the ranking from before trials could pause), and so are trials a pausing scheduler runs once they reported
/// (<see cref="BudgetLevel.IsObservedInFlight"/>), which then are not pending. Under a budget level (<see cref="BudgetLevel"/>, BOHB) the trials
/// that reached the level come first, completed or not, by their value there; then those that stopped below it,
/// further first and among equals by their last value; then the pending ones.
/// </summary>
internal sealed class ObservationRanking
{
    // Places ordered by hypervolume contribution: TPE's largest default good set.
    private const int GreedyPlaces = 25;

    private ObservationRanking(int[] order, int valued, int level)
    {
        Order = order;
        ValuedCount = valued;
        LevelCount = level;
    }

    /// <summary>Indices into the history's trials, best first; the last ones may be pending (no value).</summary>
    public int[] Order { get; }

    /// <summary>How many of the ranked trials have a value (the first ones of <see cref="Order"/>).</summary>
    public int ValuedCount { get; }

    /// <summary>
    /// How many of the first ranked trials were observed at the budget level (all valued ones without a level): the
    /// good set is never larger.
    /// </summary>
    public int LevelCount { get; }

    /// <summary>How many ranked trials are pending (the last ones of <see cref="Order"/>).</summary>
    public int PendingCount => Order.Length - ValuedCount;

    /// <summary>Ranks a history; equal keys keep the trials' order.</summary>
    public static ObservationRanking Rank(TrialHistory history, bool includePending, bool includePaused = false,
        BudgetLevel? level = null)
    {
        if (level is not null) return RankAtLevel(history, includePending, level);
        if (history.IsMultiObjective || history.Constraints.Count > 0) return RankByDomination(history, includePending);
        var trials = history.Trials;
        var completeLoss = new double[trials.Count];
        var complete = new int[trials.Count];
        var nComplete = 0;
        var pruned = new List<(double Step, double Loss, int Index)>();
        var pending = new List<int>();
        var failed = new List<int>();
        for (var i = 0; i < trials.Count; i++)
        {
            var t = trials[i];
            switch (t.State)
            {
                case TrialState.Complete when t.Value is { } v && !double.IsNaN(v):
                    completeLoss[nComplete] = history.Loss(v);
                    complete[nComplete++] = i;
                    break;
                case TrialState.Paused when includePaused && t.LastIntermediate is { } paused
                                            && !double.IsNaN(paused.Value):
                    pruned.Add((-(double)paused.Step, history.Loss(paused.Value), i));
                    break;
                case TrialState.Pruned when t.LastIntermediate is { } last && !double.IsNaN(last.Value):
                    pruned.Add((-(double)last.Step, history.Loss(last.Value), i));
                    break;
                case TrialState.Pruned when t.Value is { } v && !double.IsNaN(v):
                    pruned.Add((double.PositiveInfinity, history.Loss(v), i));
                    break;
                case TrialState.Running or TrialState.Waiting when includePaused && BudgetLevel.IsObservedInFlight(t):
                    var reported = t.Intermediate.Last(v => double.IsFinite(v.Value));
                    pruned.Add((-(double)reported.Step, history.Loss(reported.Value), i));
                    break;
                case TrialState.Running or TrialState.Waiting when includePending:
                    pending.Add(i);
                    break;
                case TrialState.Failed:
                    failed.Add(i);
                    break;
            }
        }
        // Sorting parallel arrays is much faster than sorting tuples; ties come out in trial order.
        DoubleKeySort.Sort(completeLoss, complete, nComplete);
        pruned.Sort();
        // Failed trials rank last of the valued ones: the bad density learns the region that crashes.
        var valued = nComplete + pruned.Count + failed.Count;
        var order = new int[valued + pending.Count];
        Array.Copy(complete, order, nComplete);
        for (var k = 0; k < pruned.Count; k++) order[nComplete + k] = pruned[k].Index;
        for (var k = 0; k < failed.Count; k++) order[nComplete + pruned.Count + k] = failed[k];
        for (var k = 0; k < pending.Count; k++) order[valued + k] = pending[k];
        return new ObservationRanking(order, valued, valued);
    }

    /// <summary>
    /// Several objectives or constraints (multi-objective TPE, as Optuna's MOTPE): complete trials by constrained
    /// non-dominated front, within a front by greedy hypervolume contribution (with respect to the observations'
    /// nadir) for the first <see cref="GreedyPlaces"/> places, then in trial order; then pruned trials, further
    /// first; then pending ones.
    /// </summary>
    private static ObservationRanking RankByDomination(TrialHistory history, bool includePending)
    {
        var scored = new List<int>();
        var losses = new List<double[]>();
        var pruned = new List<(double Step, int Index)>();
        var pending = new List<int>();
        var failed = new List<int>();
        for (var i = 0; i < history.Trials.Count; i++)
        {
            var t = history.Trials[i];
            if (history.Losses(t) is { } l)
            {
                scored.Add(i);
                losses.Add(l);
            }
            else if (t.State == TrialState.Pruned && t.LastIntermediate is { } last) pruned.Add((-(double)last.Step, i));
            else if (t.State == TrialState.Failed) failed.Add(i);
            else if (includePending && t.State is TrialState.Running or TrialState.Waiting) pending.Add(i);
        }
        var violations = scored.Select(i => history.Violation(history.Trials[i])).ToArray();
        var order = new List<int>(history.Trials.Count);
        var reference = losses.Count > 0 ? Pareto.HypervolumeSelection.NadirReference(losses) : Array.Empty<double>();
        foreach (var front in Pareto.ParetoRanking.Sort(losses, violations))
        {
            // Only the first places can enter the good set; past them the order within a front matters little.
            var places = Math.Max(0, GreedyPlaces - order.Count);
            if (places == 0 || violations[front[0]] > 0)
            {
                order.AddRange(front.Select(i => scored[i]));
                continue;
            }
            var points = front.Select(i => losses[i]).ToList();
            order.AddRange(Pareto.HypervolumeSelection.GreedyOrder(points, reference, places).Select(p => scored[front[p]]));
        }
        pruned.Sort();
        order.AddRange(pruned.Select(p => p.Index));
        order.AddRange(failed);
        var valued = order.Count;
        order.AddRange(pending);
        return new ObservationRanking(order.ToArray(), valued, valued);
    }

    private static ObservationRanking RankAtLevel(TrialHistory history, bool includePending, BudgetLevel level)
    {
        var atLevel = level.AtLevel.Select(o => (o.Loss, o.Index)).ToList();
        atLevel.Sort();
        var below = level.Below.Select(o => (-(double)o.Step, o.Loss, o.Index)).ToList();
        below.Sort();
        var order = new List<int>(history.Trials.Count);
        order.AddRange(atLevel.Select(o => o.Index));
        order.AddRange(below.Select(o => o.Index));
        if (includePending)
            for (var i = 0; i < history.Trials.Count; i++)
                if (history.Trials[i].State is TrialState.Running or TrialState.Waiting
                    && !BudgetLevel.IsObservedInFlight(history.Trials[i]))
                    order.Add(i);
        return new ObservationRanking(order.ToArray(), atLevel.Count + below.Count, atLevel.Count);
    }
}
