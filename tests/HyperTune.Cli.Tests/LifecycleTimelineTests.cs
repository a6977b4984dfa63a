using System.Collections.Immutable;
using HyperTune.Cli.Commands.Bench;
using HyperTune.Core.Spaces;
using static HyperTune.Cluster.Studies.StudyEvents;

namespace HyperTune.Cli.Tests;

/// <summary>
/// The figures of <c>bench lifecycle</c> rebuilt from a hand-written journal: run pieces, utilization, and the wait of
/// a freed slot for its next run, worked out by hand below.
/// </summary>
public sealed class LifecycleTimelineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset Ms(double ms) => T0.AddMilliseconds(ms);

    private static TrialStarted Started(int number) =>
        new(number, Configuration.Empty.With("x", 0.5),
            ImmutableDictionary<string, string>.Empty, T0);

    /// <summary>
    /// Two slots. Trials 0 and 1 start at 0 ms; 0 is pruned at 10 ms and trial 2 takes its slot at 13 ms; 1 pauses at
    /// 20 ms and resumes at 25 ms; 2 completes at 40 ms, 1 at 50 ms.
    /// </summary>
    private static IStudyEvent[] TwoSlotJournal() => new IStudyEvent[]
    {
        Started(0), Started(1),
        new TrialDispatched(0, 1, "n1", T0), new TrialDispatched(1, 1, "n1", T0),
        new TrialExecutionStarted(0, 1, Ms(0)), new TrialExecutionStarted(1, 1, Ms(0)),
        new TrialReported(0, 1, 3.0), new TrialPruned(0, 1, 3.0, Ms(10)),
        Started(2), new TrialDispatched(2, 1, "n1", Ms(10)),
        new TrialReported(1, 1, 1.0), new TrialPaused(1, 1, Ms(20)),
        new TrialExecutionStarted(2, 1, Ms(13)),
        new TrialResumed(1, null, Ms(20)), new TrialDispatched(1, 2, "n1", Ms(20)),
        new TrialExecutionStarted(1, 2, Ms(25)),
        new TrialReported(2, 1, 2.0),
        new TrialCompleted(2, 2.0, ImmutableDictionary<string, double>.Empty, Ms(40)),
        new TrialReported(1, 2, 0.5),
        new TrialCompleted(1, 0.5, ImmutableDictionary<string, double>.Empty, Ms(50)),
    };

    [Fact]
    public void Every_run_of_a_trial_is_a_piece_from_its_workers_start_to_the_event_that_ended_it()
    {
        var timeline = LifecycleTimeline.FromEvents(TwoSlotJournal());

        Assert.Equal(
            new[]
            {
                (0, "pruned", 0.0, 10.0), (1, "paused", 0.0, 20.0), (2, "completed", 13.0, 40.0),
                (1, "completed", 25.0, 50.0),
            },
            timeline.Pieces.Select(p =>
                (p.Number, p.EndedBy, (p.Start - T0).TotalMilliseconds, (p.End - T0).TotalMilliseconds)));
        Assert.Equal(3, timeline.Trials);
        Assert.Equal(1, timeline.Resumes);
        Assert.Equal(4, timeline.StepsReported);
    }

    [Fact]
    public void Utilization_is_busy_slot_time_over_slots_times_wall_time()
    {
        var timeline = LifecycleTimeline.FromEvents(TwoSlotJournal());

        // Busy 10 + 20 + 27 + 25 = 82 ms over 2 slots x 50 ms.
        Assert.Equal(82, timeline.Busy.TotalMilliseconds, 6);
        Assert.Equal(50, timeline.Wall.TotalMilliseconds, 6);
        Assert.Equal(0.82, timeline.Utilization(2), 6);
    }

    [Fact]
    public void A_freed_slot_is_matched_to_the_next_start_on_its_node_first_freed_first_taken()
    {
        var timeline = LifecycleTimeline.FromEvents(TwoSlotJournal());

        // The two starts at 0 ms take unused slots; 13 ms takes the slot pruned at 10 ms, 25 ms the one paused at 20.
        Assert.Equal(new[] { 3.0 }, timeline.Handovers(2, "pruned"));
        Assert.Equal(new[] { 3.0, 5.0 }, timeline.Handovers(2));
        Assert.Equal(0, timeline.Overlaps(2));
    }

    [Fact]
    public void Idle_slot_time_splits_into_ramp_up_handovers_and_tail_and_adds_up()
    {
        var timeline = LifecycleTimeline.FromEvents(TwoSlotJournal());

        var idle = timeline.Idle(2);

        // Both slots start at 0 ms (no ramp-up); 3 ms after the prune, 5 after the pause; the slot freed at 40 ms
        // idles to the end at 50. Together 18 ms = 2 x 50 - 82 busy.
        Assert.Equal(0, idle.RampUp.TotalMilliseconds, 6);
        Assert.Equal(3, idle.Handover["pruned"].TotalMilliseconds, 6);
        Assert.Equal(5, idle.Handover["paused"].TotalMilliseconds, 6);
        Assert.Equal(10, idle.Tail.TotalMilliseconds, 6);
        Assert.Equal(18, idle.Total.TotalMilliseconds, 6);
        // With three slots the third is first used at 13 ms; the start at 25 ms takes the slot the prune freed at
        // 10 ms; the others idle to the end (from 20, 40 and 50 ms): 13 + 15 + 40 = 68 ms = 3 x 50 - 82.
        var three = timeline.Idle(3);
        Assert.Equal((13.0, 15.0, 40.0), (three.RampUp.TotalMilliseconds, three.Handover["pruned"].TotalMilliseconds,
            three.Tail.TotalMilliseconds));
        Assert.Equal(68, three.Total.TotalMilliseconds, 6);
    }

    [Fact]
    public void A_results_wait_for_the_coordinator_is_from_the_workers_finish_to_the_trial_planned_with_it()
    {
        var events = new IStudyEvent[]
        {
            Started(0), new TrialDispatched(0, 1, "n1", T0), new TrialExecutionStarted(0, 1, Ms(1)),
            Started(1), new TrialDispatched(1, 1, "n1", T0), new TrialExecutionStarted(1, 1, Ms(1)),
            new TrialReported(1, 1, 1.0), new TrialPaused(1, 1, Ms(5)),
            // The worker finished at 20 ms; the coordinator planned trial 2 with the result at 27 ms.
            new TrialCompleted(0, 0.1, ImmutableDictionary<string, double>.Empty, Ms(20)),
            Started(2) with { At = Ms(27) }, new TrialDispatched(2, 1, "n1", Ms(27)),
            new TrialExecutionStarted(2, 1, Ms(30)),
            // ... and resumed trial 1 with the next result at 44 ms, 4 ms after it.
            new TrialCompleted(2, 0.2, ImmutableDictionary<string, double>.Empty, Ms(40)),
            new TrialResumed(1, null, Ms(44)),
            // A completion followed by nothing new (the budget is spent) has no reaction to measure.
            new TrialDispatched(1, 2, "n1", Ms(44)), new TrialExecutionStarted(1, 2, Ms(45)),
            new TrialCompleted(1, 0.3, ImmutableDictionary<string, double>.Empty, Ms(60)),
            new StudyFinished("trial budget reached", Ms(61)),
        };

        Assert.Equal(new[] { 7.0, 4.0 }, LifecycleTimeline.FromEvents(events).CompletionReactions);
    }

    [Fact]
    public void More_runs_at_once_than_slots_are_counted_as_overlaps()
    {
        var timeline = LifecycleTimeline.FromEvents(TwoSlotJournal());

        // With one slot the second start at 0 ms finds no free slot; the later starts take slots freed before them.
        Assert.Equal(1, timeline.Overlaps(1));
    }

    [Fact]
    public void A_paused_trial_pruned_at_the_end_of_its_rung_holds_no_slot_and_an_old_dispatch_start_is_ignored()
    {
        var events = new IStudyEvent[]
        {
            Started(0), new TrialDispatched(0, 1, "n1", T0), new TrialExecutionStarted(0, 1, Ms(1)),
            new TrialReported(0, 1, 1.0), new TrialPaused(0, 1, Ms(5)),
            // Pruned while paused: no run ends here.
            new TrialPruned(0, 1, 1.0, Ms(30)),
            Started(1), new TrialDispatched(1, 1, "n1", Ms(5)), new TrialDispatched(1, 2, "n1", Ms(6)),
            // The first dispatch's start arrives late: it is not the current dispatch.
            new TrialExecutionStarted(1, 1, Ms(7)), new TrialExecutionStarted(1, 2, Ms(8)),
            new TrialCompleted(1, 0.1, ImmutableDictionary<string, double>.Empty, Ms(18)),
        };

        var timeline = LifecycleTimeline.FromEvents(events);

        Assert.Equal(new[] { (0, "paused", 4.0), (1, "completed", 10.0) },
            timeline.Pieces.Select(p => (p.Number, p.EndedBy, p.Duration.TotalMilliseconds)));
        Assert.Empty(timeline.Handovers(1, "pruned"));
        Assert.Equal(new[] { 3.0 }, timeline.Handovers(1));
    }

    [Fact]
    public void Latency_summary_interpolates_percentiles_and_is_empty_without_values()
    {
        var summary = LatencySummary.Of(new[] { 10.0, 1, 3, 2, 4 });

        // Sorted 1 2 3 4 10: median the third; p90 at position 3.6, between 4 and 10.
        Assert.Equal((5, 3.0, 7.6, 10.0),
            (summary.Count, summary.MedianMs, Math.Round(summary.P90Ms, 9), summary.MaxMs));
        Assert.True(double.IsNaN(LatencySummary.Of(Array.Empty<double>()).MedianMs));
    }

    [Fact]
    public void The_slot_limiters_account_integrates_busy_slots_over_the_window()
    {
        var changes = new List<(DateTimeOffset, int)> { (Ms(-5), 1), (Ms(10), 2), (Ms(30), 0), (Ms(60), 2) };

        // In [0, 40]: 1 slot for 10 ms, 2 for 20 ms, none for 10 ms = 50 slot-ms of 2 x 40.
        Assert.Equal(0.625, SlotUsageRecorder.Utilization(changes, 2, Ms(0), Ms(40)), 9);
    }
}
