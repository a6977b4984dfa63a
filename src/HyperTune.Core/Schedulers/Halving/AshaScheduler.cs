using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Schedulers.Halving;

/// <summary>
/// Asynchronous successive halving (ASHA, Li et al. 2020): rungs at <c>minResource × η^(rate + k)</c> below
/// <c>maxResource</c>; when a trial's report reaches a rung it goes on only if its value is among the top 1/η of the
/// values recorded at that rung so far (its own included), else it is pruned. Never waits and never pauses, so the
/// trainable needs no checkpoints. With <see cref="HyperbandBrackets"/> it is asynchronous Hyperband: each new trial
/// gets a bracket (<c>scheduler.bracket</c>), its early-stopping rate, and competes only within it.
/// </summary>
/// <remarks>
/// A rung with fewer than 2η values keeps only its best so far (at least one trial is always kept): the top 1/η of
/// n values is floor(n/η) trials, and never fewer than one. Being strict from the first results spends the budget on
/// trials that look best. Letting the first η through, or Ray Tune's quantile of the earlier values, did worse overall
/// in a simulation on the multi-fidelity problems (Ray's rule better on one, much worse on another; figures in
/// docs/schedulers.md).
/// </remarks>
public sealed class AshaScheduler : ITrialScheduler
{
    /// <summary>The spec's name for ASHA.</summary>
    public const string TypeName = "asha";

    private readonly int _minEarlyStoppingRate;

    /// <summary>ASHA over one bracket, or asynchronous Hyperband when <paramref name="brackets"/> is given.</summary>
    public AshaScheduler(ResourceLadder ladder, int minEarlyStoppingRate = 0, HyperbandBrackets? brackets = null)
    {
        Ladder = ladder;
        _minEarlyStoppingRate = minEarlyStoppingRate;
        Brackets = brackets;
    }

    /// <summary>The rung milestones.</summary>
    public ResourceLadder Ladder { get; }

    /// <summary>Hyperband's brackets, or null for plain ASHA.</summary>
    public HyperbandBrackets? Brackets { get; }

    /// <summary>Reads <c>asha</c>'s settings: the ladder's and <c>minEarlyStoppingRate</c> (default 0).</summary>
    public static AshaScheduler FromSettings(JsonSettings settings, long? trainableSteps)
    {
        var ladder = ResourceLadder.Read(settings, trainableSteps, requireMax: false);
        var rate = settings.GetInt("minEarlyStoppingRate", 0, 0, 30);
        settings.EnsureNoUnknownFields();
        if (ladder.Milestone(rate, 0) is null)
            throw new SpecException(settings.PathOf("minEarlyStoppingRate"),
                $"leaves no rung below maxResource ({ladder.MaxResource}); lower it or raise maxResource");
        return new AshaScheduler(ladder, rate);
    }

    /// <inheritdoc />
    public bool PausesTrials => false;

    /// <inheritdoc />
    public ReportDecision OnReport(TrialHistory history, int trialNumber)
    {
        if (RungValues.Find(history, trialNumber) is not { LastIntermediate: { } last } trial)
            return ReportDecision.Continue;
        var previousStep = trial.Intermediate.Count > 1 ? trial.Intermediate[^2].Step : 0;
        var bracket = BracketOf(trial);
        var rate = RateOf(bracket);
        for (var k = 0; Ladder.Milestone(rate, k) is { } milestone && milestone <= last.Step; k++)
        {
            if (milestone <= previousStep) continue;
            // The trial crossed this rung with this report: rank it among every value recorded there.
            var ranked = RungValues.Ranked(history, history.Trials
                .Where(t => BracketOf(t) == bracket)
                .Select(t => (Trial: t, Value: RungValues.ValueAt(t, milestone)))
                .Where(e => e.Value is not null)
                .Select(e => (e.Trial, e.Value!.Value)));
            var keep = Math.Max(1, ranked.Count / Ladder.ReductionFactor);
            var rank = ranked.FindIndex(e => e.Trial.Number == trialNumber);
            if (rank >= keep)
                return ReportDecision.Prune(
                    $"rung {k} (step {milestone}{BracketText(bracket)}): rank {rank + 1} of {ranked.Count}, " +
                    $"only the top {keep} go on");
        }
        return ReportDecision.Continue;
    }

    /// <inheritdoc />
    public SlotDecision OnSlotFree(SchedulerContext context)
    {
        if (!context.CanStartNew) return SlotDecision.Done("no new trials can start");
        if (Brackets is null) return SlotDecision.StartNew();
        var bracket = Brackets.BracketOf(RungValues.NextNumber(context.History));
        return SlotDecision.StartNew() with { Attributes = BracketAttribute.For(bracket) };
    }

    /// <inheritdoc />
    public IReadOnlyList<RungSummary> Rungs(TrialHistory history)
    {
        var rungs = new List<RungSummary>();
        var brackets = Brackets?.Count ?? 1;
        for (var bracket = 0; bracket < brackets; bracket++)
        {
            var members = history.Trials.Where(t => BracketOf(t) == bracket).ToList();
            var rate = RateOf(bracket);
            var k = 0;
            for (; Ladder.Milestone(rate, k) is { } milestone; k++)
            {
                var rung = RungValues.Summarize(history, members, bracket, k, milestone);
                // An unbounded ladder lists rungs only as far as some trial got.
                if (Ladder.MaxResource is null && rung.Trials == 0) break;
                rungs.Add(rung);
            }
            if (Ladder.MaxResource is { } max) rungs.Add(RungValues.SummarizeFinal(history, members, bracket, k, max));
        }
        return rungs;
    }

    private int BracketOf(TrialRecord trial) =>
        Brackets is null ? 0 : BracketAttribute.Of(trial) ?? Brackets.BracketOf(trial.Number);

    private int RateOf(int bracket) => Brackets is null ? _minEarlyStoppingRate : bracket;

    private string BracketText(int bracket) => Brackets is null ? "" : $", bracket {bracket}";
}
