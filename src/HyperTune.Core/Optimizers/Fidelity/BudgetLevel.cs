using HyperTune.Core.Studies;

namespace HyperTune.Core.Optimizers.Fidelity;

/// <summary>
/// What a model fits when trials stop early (BOHB's budget levels, Falkner et al. 2018): the largest step
/// ("budget") that at least a minimum number of trials reached, each of those trials observed by its value at
/// that step, and apart from them the trials that stopped below it, each at the last step it reached.
/// </summary>
/// <remarks>
/// <para>
/// A trial reaches a step when it reported there or beyond: a completed trial reaches every step (its final value
/// is the level <see cref="Final"/>), a pruned or paused trial the step of its last intermediate value. Running,
/// waiting, failed and cancelled trials are not observations (running ones are the optimizers' pending trials).
/// A paused trial is an observation: it holds no worker and its values so far are known. So is a trial a pausing
/// scheduler runs (one with a <see cref="TrialRecord.StopAtStep"/>, a resumed one among them) once it has reported:
/// otherwise the trials a synchronous rung promotes, the best ones, would drop out of the model while they run.
/// </para>
/// <para>
/// A trial's value at a level is its last finite intermediate value at or before that step; a trial whose first
/// report lies beyond the step is observed by that first report, and a completed trial without intermediate values
/// by its final value. The projection is a pure function of the history and the minimum: the same history always
/// gives the same level and observations, in trial order.
/// </para>
/// </remarks>
public sealed class BudgetLevel
{
    /// <summary>The level of completed trials' final values.</summary>
    public const long Final = long.MaxValue;

    private BudgetLevel(long step, IReadOnlyList<FidelityObservation> atLevel, IReadOnlyList<FidelityObservation> below)
    {
        Step = step;
        AtLevel = atLevel;
        Below = below;
    }

    /// <summary>The budget level: a step, or <see cref="Final"/>.</summary>
    public long Step { get; }

    /// <summary>The trials that reached the level, observed at it, in trial order.</summary>
    public IReadOnlyList<FidelityObservation> AtLevel { get; }

    /// <summary>The trials that stopped below the level, each at the last step it reached, in trial order.</summary>
    public IReadOnlyList<FidelityObservation> Below { get; }

    /// <summary>
    /// The budget level of a history: null when no trial was stopped early (no pruned or paused trial with a
    /// finite intermediate value), so optimizers then behave exactly as they always did. Otherwise the largest
    /// level reached by at least <paramref name="minTrials"/> trials, or, when no level has that many, the lowest
    /// level (the one with the most trials).
    /// </summary>
    public static BudgetLevel? Of(TrialHistory history, int minTrials)
    {
        var trials = history.Trials;
        var reached = new List<(int Index, long Step)>();
        var stoppedEarly = false;
        for (var i = 0; i < trials.Count; i++)
        {
            var t = trials[i];
            switch (t.State)
            {
                case TrialState.Complete when t.Value is { } v && double.IsFinite(v):
                    reached.Add((i, Final));
                    break;
                case TrialState.Pruned or TrialState.Paused when LastFinite(t) is { } last:
                    reached.Add((i, last.Step));
                    stoppedEarly = true;
                    break;
                case TrialState.Running or TrialState.Waiting when IsObservedInFlight(t):
                    reached.Add((i, LastFinite(t)!.Step));
                    stoppedEarly = true;
                    break;
                case TrialState.Pruned when t.Value is { } v && double.IsFinite(v):
                    // A pruned trial without intermediate values (an old journal): it reached no step at all.
                    reached.Add((i, 0));
                    break;
            }
        }
        if (!stoppedEarly) return null;

        // The trials' steps from the largest down: the m-th is the largest level at least m trials reached (they and
        // every trial before them reached it; a larger level only the fewer trials before it). Too few trials: the
        // lowest level.
        var steps = reached.Select(r => r.Step).OrderDescending().ToArray();
        var level = steps[Math.Clamp(minTrials, 1, steps.Length) - 1];

        var atLevel = new List<FidelityObservation>();
        var below = new List<FidelityObservation>();
        foreach (var (index, step) in reached)
        {
            var t = trials[index];
            var (at, value) = step >= level ? ValueAt(t, level) : ValueAt(t, step);
            (step >= level ? atLevel : below).Add(new FidelityObservation(index, t, at, value, history.Loss(value)));
        }
        return new BudgetLevel(level, atLevel, below);
    }

    /// <summary>
    /// The trials a model fits under this level, as completed trials in trial order: those at the level by their
    /// value there and, when <paramref name="stoppedAsWorst"/>, those that stopped below it by the worst value at
    /// the level (the scheduler judged them worse than the trials it let go on; their own values belong to another
    /// budget). Without them a model keeps suggesting a region whose trials a scheduler stops early, learning
    /// nothing, as a GP with ASHA did on the curves that cross.
    /// </summary>
    public IReadOnlyList<TrialRecord> ModelTrials(bool stoppedAsWorst)
    {
        if (!stoppedAsWorst || Below.Count == 0 || AtLevel.Count == 0)
            return AtLevel.Select(o => o.AsCompleted()).ToList();
        var worst = AtLevel.MaxBy(o => o.Loss)!;
        return AtLevel.Select(o => (o.Index, Trial: o.AsCompleted()))
            .Concat(Below.Select(o =>
                (o.Index, Trial: o.Trial with { State = TrialState.Complete, Value = worst.Value })))
            .OrderBy(p => p.Index).Select(p => p.Trial).ToList();
    }

    /// <summary>
    /// True for a running or waiting trial that is an observation rather than only pending: run by a pausing
    /// scheduler (it has a stop step) and with a finite intermediate value.
    /// </summary>
    public static bool IsObservedInFlight(TrialRecord t) =>
        t.State is TrialState.Running or TrialState.Waiting && t.StopAtStep is not null && LastFinite(t) is not null;

    private static IntermediateValue? LastFinite(TrialRecord t)
    {
        for (var k = t.Intermediate.Count - 1; k >= 0; k--)
            if (double.IsFinite(t.Intermediate[k].Value)) return t.Intermediate[k];
        return null;
    }

    private static (long Step, double Value) ValueAt(TrialRecord t, long step)
    {
        if (step == Final && t.State == TrialState.Complete) return (Final, t.Value!.Value);
        IntermediateValue? before = null;
        IntermediateValue? after = null;
        foreach (var iv in t.Intermediate)
        {
            if (!double.IsFinite(iv.Value)) continue;
            if (iv.Step <= step) before = iv;
            else after ??= iv;
        }
        if (before is not null) return (before.Step, before.Value);
        if (after is not null) return (after.Step, after.Value);
        return (t.State == TrialState.Complete ? Final : 0, t.Value!.Value);
    }
}
