using HyperTune.Core.Studies;

namespace HyperTune.Core.Schedulers.Halving;

/// <summary>How trials are compared at a rung milestone.</summary>
internal static class RungValues
{
    /// <summary>
    /// A trial's value at a milestone: its first report at or past that step (a trainable that reports every few
    /// steps is judged at the first report that crosses the milestone); null when it never got that far.
    /// </summary>
    public static double? ValueAt(TrialRecord trial, long milestone)
    {
        foreach (var iv in trial.Intermediate)
            if (iv.Step >= milestone) return iv.Value;
        return null;
    }

    /// <summary>True when the trial reported at a step past the report that reached the milestone.</summary>
    public static bool WentPast(TrialRecord trial, long milestone)
    {
        var reached = false;
        foreach (var iv in trial.Intermediate)
        {
            if (reached) return true;
            if (iv.Step >= milestone) reached = true;
        }
        return false;
    }

    /// <summary>The trial with <paramref name="number"/>, or null.</summary>
    public static TrialRecord? Find(TrialHistory history, int number)
    {
        var trials = history.Trials;
        if (number >= 0 && number < trials.Count && trials[number].Number == number) return trials[number];
        foreach (var t in trials)
            if (t.Number == number) return t;
        return null;
    }

    /// <summary>The number the next new trial gets.</summary>
    public static int NextNumber(TrialHistory history) =>
        history.Trials.Count == 0 ? 0 : history.Trials.Max(t => t.Number) + 1;

    /// <summary>
    /// Ranks (trial, value) pairs best first by loss, ties going to the lower trial number, so that every replay
    /// ranks a rung the same way.
    /// </summary>
    public static List<(TrialRecord Trial, double Value)> Ranked(TrialHistory history,
        IEnumerable<(TrialRecord Trial, double Value)> entries) =>
        entries.OrderBy(e => history.Loss(e.Value)).ThenBy(e => e.Trial.Number).ToList();

    /// <summary>
    /// One rung as a display shows it: trials that reached the milestone, those that went on past it (or were
    /// resumed or kept running after it), and the best value there.
    /// </summary>
    public static RungSummary Summarize(TrialHistory history, IEnumerable<TrialRecord> members, int bracket, int rung,
        long milestone)
    {
        var trials = 0;
        var promoted = 0;
        double? best = null;
        foreach (var t in members)
        {
            if (ValueAt(t, milestone) is not { } v) continue;
            trials++;
            if (best is null || history.Loss(v) < history.Loss(best.Value)) best = v;
            if (WentPast(t, milestone) || t.State is TrialState.Running or TrialState.Waiting) promoted++;
        }
        return new RungSummary(bracket, rung, milestone, trials, promoted, best);
    }

    /// <summary>
    /// The last row of a bracket's table, at <c>maxResource</c>: the trials that trained that far (a report at or
    /// past it, or a completed run that did not report it) and the best value there. Reaching it ends a trial, so
    /// nothing is promoted past it; it lets a table read 27 → 9 → 3 → 1 down to the survivors.
    /// </summary>
    public static RungSummary SummarizeFinal(TrialHistory history, IEnumerable<TrialRecord> members, int bracket,
        int rung, long maxResource)
    {
        var trials = 0;
        double? best = null;
        foreach (var t in members)
        {
            var value = ValueAt(t, maxResource) ?? (t.State == TrialState.Complete ? t.Value : null);
            if (value is not { } v) continue;
            trials++;
            if (best is null || history.Loss(v) < history.Loss(best.Value)) best = v;
        }
        return new RungSummary(bracket, rung, maxResource, trials, 0, best);
    }
}
