using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Schedulers.Population;

/// <summary>
/// Trains one model from scratch with a population member's hyperparameter schedule (<see cref="PopulationSchedule"/>,
/// printed by <c>hypertune study replay-schedule</c>): the trial starts with the first segment's configuration (the
/// optimizer's <c>initial</c>), pauses where the next segment begins and resumes from its own checkpoint with that
/// segment's configuration, as Ray Tune's PBT replay does.
/// </summary>
public sealed class PbtReplayScheduler : ITrialScheduler
{
    /// <summary>The spec's name for the replay.</summary>
    public const string TypeName = "pbt-replay";

    /// <summary>Replays <paramref name="schedule"/>; its steps must increase.</summary>
    public PbtReplayScheduler(IReadOnlyList<ScheduleSegment> schedule)
    {
        if (schedule.Count == 0) throw new ArgumentException("an empty schedule", nameof(schedule));
        for (var i = 1; i < schedule.Count; i++)
            if (schedule[i].AfterStep <= schedule[i - 1].AfterStep)
                throw new ArgumentException("schedule steps must increase", nameof(schedule));
        Schedule = schedule;
    }

    /// <summary>The segments.</summary>
    public IReadOnlyList<ScheduleSegment> Schedule { get; }

    /// <summary>
    /// Reads <c>schedule</c>: <c>[{"afterStep": 0, "params": {...}}, {"afterStep": 12, "params": {...}}, ...]</c>.
    /// </summary>
    /// <exception cref="SpecException">A bad segment, naming it.</exception>
    public static PbtReplayScheduler FromSettings(JsonSettings settings, long? trainableSteps, SearchSpace space,
        long seed)
    {
        var items = settings.GetArray("schedule")
                    ?? throw new SpecException(settings.PathOf("schedule"), "is required (the segments to replay)");
        settings.EnsureNoUnknownFields();
        if (items.Count == 0) throw new SpecException(settings.PathOf("schedule"), "needs at least one segment");
        var segments = new List<ScheduleSegment>();
        foreach (var (element, path) in items)
        {
            var segment = new JsonSettings(element, path);
            var after = segment.RequireLong("afterStep", 0, trainableSteps is { } steps ? steps - 1 : long.MaxValue);
            var config = ConfigurationReader.Read(segment.GetElement("params")
                ?? throw new SpecException($"{path}.params", "is required"), $"{path}.params", space);
            segment.EnsureNoUnknownFields();
            if (segments.Count > 0 && after <= segments[^1].AfterStep)
                throw new SpecException($"{path}.afterStep",
                    $"must be above the previous segment's ({segments[^1].AfterStep})");
            if (segments.Count == 0 && after != 0)
                throw new SpecException($"{path}.afterStep", "the first segment starts the training: 0");
            segments.Add(new ScheduleSegment(after, config));
        }
        return new PbtReplayScheduler(segments);
    }

    /// <inheritdoc />
    public bool PausesTrials => Schedule.Count > 1;

    /// <inheritdoc />
    public ReportDecision OnReport(TrialHistory history, int trialNumber) => ReportDecision.Continue;

    /// <inheritdoc />
    public SlotDecision OnSlotFree(SchedulerContext context)
    {
        var history = context.History;
        if (history.Trials.Count == 0)
            return context.CanStartNew ? SlotDecision.StartNew(NextChange(0)) : SlotDecision.Done("nothing to replay");
        var paused = history.Paused.FirstOrDefault();
        if (paused is null)
            return history.Pending.Any() ? SlotDecision.Wait("the replay is training") : SlotDecision.Done("replayed");
        var step = paused.PausedAtStep!.Value;
        var segment = Schedule.LastOrDefault(s => s.AfterStep <= step) ?? Schedule[0];
        var resume = SlotDecision.Resume(paused.Number, NextChange(step), $"schedule: params from step {step + 1}");
        return segment.AfterStep == step && !segment.Params.Equals(paused.Params)
            ? resume with { Exploit = new ExploitDecision(paused.Number, step, segment.Params) }
            : resume;
    }

    /// <inheritdoc />
    public IReadOnlyList<RungSummary> Rungs(TrialHistory history) => Array.Empty<RungSummary>();

    private long? NextChange(long step) => Schedule.FirstOrDefault(s => s.AfterStep > step)?.AfterStep;
}
