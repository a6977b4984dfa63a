using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Schedulers.Halving;

/// <summary>
/// Synchronous successive halving with promotion: new trials pause at the first rung; once a rung is complete (all
/// its trials paused there or finished), the top ceil(n/η) resume from their checkpoints up to the next rung and
/// the rest are pruned; a lone survivor runs straight to the end. With the grid optimizer this is halving grid
/// search (scikit-learn's <c>HalvingGridSearchCV</c>), with random or sobol halving random search. With
/// <see cref="HyperbandBrackets"/> it is synchronous Hyperband: bracket runs 0, 1, 2, ... take brackets 0 .. s_max
/// in turn, each as long as the paper's schedule says.
/// </summary>
/// <remarks>
/// A bracket run's trials carry <c>scheduler.bracket</c> = the run's index. The first rung of a run is full when it
/// has its size of trials, or closed when no new trial can start (budget spent, optimizer exhausted, wall clock).
/// While a run waits at a barrier, the next run opens and takes the free slots, so synchronous Hyperband and a
/// successive halving with a <c>bracketSize</c> smaller than the budget keep workers busy. Every decision is
/// recomputed from the history (values at the rung milestones, trial states), so a replayed or recovered study
/// promotes the same trials.
/// </remarks>
public sealed class SynchronousHalvingScheduler : ITrialScheduler
{
    /// <summary>The spec's name for synchronous successive halving.</summary>
    public const string TypeName = "successive-halving";

    private readonly int? _bracketSize;

    /// <summary>
    /// Successive halving with runs of <paramref name="bracketSize"/> trials (null: the whole trial budget), or
    /// synchronous Hyperband when <paramref name="brackets"/> is given.
    /// </summary>
    public SynchronousHalvingScheduler(ResourceLadder ladder, int? bracketSize = null,
        HyperbandBrackets? brackets = null)
    {
        Ladder = ladder;
        _bracketSize = bracketSize;
        Brackets = brackets;
    }

    /// <summary>The rung milestones.</summary>
    public ResourceLadder Ladder { get; }

    /// <summary>Hyperband's brackets, or null for plain successive halving.</summary>
    public HyperbandBrackets? Brackets { get; }

    /// <summary>Reads <c>successive-halving</c>'s settings: the ladder's and <c>bracketSize</c>.</summary>
    public static SynchronousHalvingScheduler FromSettings(JsonSettings settings, long? trainableSteps)
    {
        var ladder = ResourceLadder.Read(settings, trainableSteps, requireMax: false);
        var size = settings.GetOptionalLong("bracketSize", 1, 10_000_000);
        settings.EnsureNoUnknownFields();
        return new SynchronousHalvingScheduler(ladder, (int?)size);
    }

    /// <inheritdoc />
    public bool PausesTrials => true;

    /// <inheritdoc />
    /// <remarks>Pauses happen at the StopAtStep this scheduler gave; between milestones a trial just goes on.</remarks>
    public ReportDecision OnReport(TrialHistory history, int trialNumber) => ReportDecision.Continue;

    /// <inheritdoc />
    public SlotDecision OnSlotFree(SchedulerContext context)
    {
        var history = context.History;
        var runs = Runs(history);
        var prune = new List<int>();
        (int Number, long? StopAt, string Reason)? resume = null;
        int? accepting = null;
        for (var run = 0; run < runs.Count; run++)
        {
            var plan = Walk(history, run, runs[run], context, prune);
            resume ??= plan.Resume;
            if (plan.Accepting && accepting is null) accepting = run;
        }
        var pruned = prune.Distinct().Order().ToArray();
        SlotDecision decision;
        if (resume is { } r)
        {
            decision = SlotDecision.Resume(r.Number, r.StopAt, r.Reason);
        }
        else if (context.CanStartNew)
        {
            // The open run's first rung takes the trial, else a new run opens.
            var run = accepting ?? runs.Count;
            decision = SlotDecision.StartNew(Ladder.Milestone(RateOf(run), 0)) with
            {
                Attributes = BracketAttribute.For(run),
            };
        }
        else if (history.Pending.Any())
        {
            decision = SlotDecision.Wait("waiting for the trials of a rung to reach its milestone");
        }
        else
        {
            decision = SlotDecision.Done("every bracket finished its last rung");
        }
        return decision with { Prune = [.. pruned] };
    }

    /// <inheritdoc />
    public IReadOnlyList<RungSummary> Rungs(TrialHistory history)
    {
        var rungs = new List<RungSummary>();
        var runs = Runs(history);
        for (var run = 0; run < runs.Count; run++)
        {
            var k = 0;
            var emptied = false;
            for (; Ladder.Milestone(RateOf(run), k) is { } milestone; k++)
            {
                var rung = RungValues.Summarize(history, runs[run], run, k, milestone);
                emptied = rung.Trials == 0 && (Ladder.MaxResource is null || k > 0);
                if (emptied) break;
                rungs.Add(rung);
            }
            if (!emptied && Ladder.MaxResource is { } max)
                rungs.Add(RungValues.SummarizeFinal(history, runs[run], run, k, max));
        }
        return rungs;
    }

    /// <summary>The trials of each bracket run, in run order (a run without trials yet is empty).</summary>
    private static List<List<TrialRecord>> Runs(TrialHistory history)
    {
        var runs = new List<List<TrialRecord>>();
        foreach (var t in history.Trials)
        {
            if (BracketAttribute.Of(t) is not { } run || run > history.Trials.Count) continue;
            while (runs.Count <= run) runs.Add(new List<TrialRecord>());
            runs[run].Add(t);
        }
        return runs;
    }

    private int RateOf(int run) => Brackets is null ? 0 : run % Brackets.Count;

    private int SizeOf(int run, int maxTrials) =>
        Brackets is null ? _bracketSize ?? maxTrials : Brackets.Size(RateOf(run));

    /// <summary>
    /// Walks one run's rungs from the first: returns whether its first rung still takes new trials and the first
    /// trial to resume; adds the paused trials its complete rungs did not promote to <paramref name="prune"/>.
    /// </summary>
    private (bool Accepting, (int, long?, string)? Resume) Walk(TrialHistory history, int run,
        List<TrialRecord> members, SchedulerContext context, List<int> prune)
    {
        if (members.Count < SizeOf(run, context.MaxTrials) && context.CanStartNew) return (true, null);
        var rate = RateOf(run);
        var entrants = members;
        for (var k = 0; Ladder.Milestone(rate, k) is { } milestone; k++)
        {
            // A trial of this rung paused short of its milestone (it was stopped early, e.g. its node went down
            // after its last checkpoint) resumes to reach it.
            var behind = entrants.FirstOrDefault(t => t.State == TrialState.Paused && t.PausedAtStep < milestone);
            if (behind is not null)
                return (false, (behind.Number, milestone, $"resumes to reach rung {k} (step {milestone})"));
            // Complete when every trial of the rung got to the milestone (paused there, or already resumed past
            // it) or finished short of it.
            var complete = entrants.All(t => t.State.IsFinished() || RungValues.ValueAt(t, milestone) is not null);
            if (!complete) return (false, null);

            var ranked = RungValues.Ranked(history, entrants
                .Select(t => (Trial: t, Value: RungValues.ValueAt(t, milestone)))
                .Where(e => e.Value is not null)
                .Select(e => (e.Trial, e.Value!.Value)));
            var keep = Math.Min(ranked.Count, (entrants.Count + Ladder.ReductionFactor - 1) / Ladder.ReductionFactor);
            var promoted = ranked.Take(keep).Select(e => e.Trial).ToList();
            prune.AddRange(entrants
                .Where(t => t.State == TrialState.Paused && !promoted.Contains(t))
                .Select(t => t.Number));
            // A lone survivor needs no more barriers: it runs to the end.
            var next = promoted.Count == 1 ? null : Ladder.Milestone(rate, k + 1);
            var waiting = promoted.FirstOrDefault(t =>
                t.State == TrialState.Paused && t.PausedAtStep < (next ?? long.MaxValue));
            if (waiting is not null)
            {
                var until = next is { } n ? $"step {n}" : "the end";
                return (false, (waiting.Number, next,
                    $"top {keep} of {entrants.Count} at rung {k} (step {milestone}), bracket {run}: " +
                    $"resumes to {until}"));
            }
            if (promoted.Count == 0) return (false, null);
            entrants = promoted;
        }
        return (false, null);
    }
}
