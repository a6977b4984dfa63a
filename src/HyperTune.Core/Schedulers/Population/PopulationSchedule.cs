using HyperTune.Core.Studies;

namespace HyperTune.Core.Schedulers.Population;

/// <summary>
/// The hyperparameter schedule that produced a population member's model: its own configurations since its last
/// exploit, preceded by its donor's schedule up to that step, and so on back to a member's starting configuration.
/// Training one model from scratch with this schedule (<see cref="PbtReplayScheduler"/>) retraces the member's
/// weights step by step when training is deterministic.
/// </summary>
public static class PopulationSchedule
{
    /// <summary>
    /// The schedule of trial <paramref name="member"/> over its first <paramref name="untilStep"/> steps.
    /// </summary>
    /// <param name="trials">The study's trials, by number.</param>
    /// <param name="member">The member.</param>
    /// <param name="untilStep">The last step to account for (its last reported step for the whole schedule).</param>
    public static IReadOnlyList<ScheduleSegment> Of(IReadOnlyList<TrialRecord> trials, int member, long untilStep)
    {
        var segments = new List<ScheduleSegment>();
        Collect(trials, member, untilStep, segments, depth: 0);
        // Consecutive pieces with the same configuration (an exploit of a donor with the same params) are one.
        var merged = new List<ScheduleSegment>();
        foreach (var s in segments)
            if (merged.Count == 0 || !merged[^1].Params.Equals(s.Params)) merged.Add(s);
        return merged;
    }

    private static void Collect(IReadOnlyList<TrialRecord> trials, int member, long untilStep,
        List<ScheduleSegment> into, int depth)
    {
        // Each step back goes to an earlier step, so the chain is at most as long as the steps.
        if (depth > 1_000_000) throw new InvalidOperationException("lineage does not go back in steps");
        var trial = trials[member];
        LineageEntry? last = null;
        foreach (var entry in trial.Lineage)
            if (entry.Step < untilStep) last = entry;
        if (last is null)
        {
            into.Add(new ScheduleSegment(0, trial.Lineage.IsEmpty ? trial.Params : trial.Lineage[0].Before));
            return;
        }
        Collect(trials, last.Donor, last.Step, into, depth + 1);
        into.Add(new ScheduleSegment(last.Step, last.After));
    }
}
