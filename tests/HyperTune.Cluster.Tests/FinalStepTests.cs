using HyperTune.Cluster.Studies;
using HyperTune.Cluster.Workers;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Schedulers.Halving;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;
using HyperTune.Trainables;
using static HyperTune.Cluster.Studies.StudyEvents;

namespace HyperTune.Cluster.Tests;

/// <summary>
/// The trainable's last step: a report there is recorded but never judged (the result completes the trial), a stop
/// there is no pause; and the trainable's step count is the halving schedulers' default maxResource.
/// </summary>
public sealed class FinalStepTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);
    private static readonly WorkerNode[] OneNode = { new("a:1#1", 8, 0) };

    private static Dictionary<string, double> Loss(double v) => new() { ["loss"] = v };

    private static StudyState ApplyAll(StudyState s, IEnumerable<IStudyEvent> events) =>
        events.Aggregate(s, (acc, e) => acc.Apply(e));

    /// <summary>
    /// One trial started and dispatched under <paramref name="scheduler"/>, which reported steps 1..26.
    /// </summary>
    private static StudyState AtStep26(ITrialScheduler scheduler)
    {
        var s = StudyState.Create(new StudyCreated("quad", StudyDeciderTests.Spec(maxTrials: 1, parallelism: 1), T0));
        var optimizer = OptimizerFactory.Create(s.Spec.Optimizer, s.Spec.Space, s.Spec.Objective.Direction);
        s = ApplyAll(s, StudyDecider.Plan(s, optimizer, scheduler, OneNode, T0, 10));
        for (var step = 1; step <= 26; step++)
            s = ApplyAll(s, StudyDecider.Progress(s, scheduler, 0, 1, step, Loss(1), T0, finalStep: 27));
        Assert.Equal(TrialState.Running, s.Trials[0].State);
        return s;
    }

    [Fact]
    public void A_pruner_does_not_judge_the_last_step_and_the_result_completes_the_trial()
    {
        var pruner = new FakeRungScheduler(0, 0, 0, pruneAbove: 5);
        var s = AtStep26(pruner);

        // Without the step count the last report is judged like any other: the trial is pruned, its value lost.
        var judged = StudyDecider.Progress(s, pruner, 0, 1, 27, Loss(9), T0);
        Assert.Contains(judged, e => e is TrialPruned);

        var last = StudyDecider.Progress(s, pruner, 0, 1, 27, Loss(9), T0, finalStep: 27);
        var reported = Assert.IsType<TrialReported>(Assert.Single(last));
        Assert.Equal((27L, 9.0), (reported.Step, reported.Value));
        s = ApplyAll(s, last);
        var completed = Assert.IsType<TrialCompleted>(Assert.Single(StudyDecider.Result(s, 0, 1, Loss(9), null, T0)));
        Assert.Equal(9.0, completed.Value);
    }

    [Fact]
    public void A_stop_at_the_last_step_is_no_pause()
    {
        var rung = new FakeRungScheduler(rungSize: 1, milestone: 27, keep: 1);
        var s = AtStep26(rung);
        Assert.Equal(27L, s.Trials[0].StopAtStep);

        Assert.Contains(StudyDecider.Progress(s, rung, 0, 1, 27, Loss(1), T0), e => e is TrialPaused);
        var last = StudyDecider.Progress(s, rung, 0, 1, 27, Loss(1), T0, finalStep: 27);
        Assert.IsType<TrialReported>(Assert.Single(last));
        s = ApplyAll(s, last);
        Assert.Equal(TrialState.Running, s.Trials[0].State);
        Assert.IsType<TrialCompleted>(Assert.Single(StudyDecider.Result(s, 0, 1, Loss(1), null, T0)));
    }

    private const string CrossingSpace = """
        [ { "name": "lr", "type": "float", "low": 1e-4, "high": 1.0, "log": true },
          { "name": "x0", "type": "float", "low": 0, "high": 1 },
          { "name": "x1", "type": "float", "low": 0, "high": 1 },
          { "name": "x2", "type": "float", "low": 0, "high": 1 } ]
        """;

    private static StudySpec Parse(string trainable, string scheduler, string space = CrossingSpace) =>
        StudySpecParser.Parse($$"""
            { "name": "s", "objective": { "metric": "value", "direction": "minimize" },
              "trainable": {{trainable}}, "space": {{space}}, "scheduler": {{scheduler}},
              "budget": { "maxTrials": 10 } }
            """);

    private static ResourceLadder LadderOf(ITrialScheduler scheduler) => scheduler switch
    {
        AshaScheduler a => a.Ladder,
        SynchronousHalvingScheduler s => s.Ladder,
        _ => throw new InvalidOperationException(scheduler.GetType().Name),
    };

    [Theory]
    // A built-in learning curve knows its 27 steps; a declared trainable.steps counts for any trainable.
    [InlineData("""{ "type": "function", "function": "lc-crossing" }""", """{ "type": "hyperband" }""", 27L)]
    [InlineData("""{ "type": "function", "function": "lc-crossing", "steps": 9 }""",
        """{ "type": "hyperband", "synchronous": true }""", 9L)]
    [InlineData("""{ "type": "process", "command": "python3", "steps": 81 }""", """{ "type": "asha" }""", 81L)]
    [InlineData("""{ "type": "process", "command": "python3", "checkpoints": true, "steps": 27 }""",
        """{ "type": "successive-halving" }""", 27L)]
    // The spec's own maximum wins.
    [InlineData("""{ "type": "function", "function": "lc-crossing" }""",
        """{ "type": "hyperband", "maxResource": 9 }""", 9L)]
    public void The_trainables_step_count_is_the_default_max_resource(string trainable, string scheduler,
        long expected)
    {
        var spec = Parse(trainable, scheduler);
        StudyDecider.CheckTrainable(spec);
        var built = StudyDecider.SchedulerFor(spec, TrainableFactory.Create(spec));
        Assert.Equal(expected, LadderOf(built).MaxResource);
        // The rung table ends at the full resource (asynchronous ones list their rungs before any trial ran).
        if (built is AshaScheduler)
            Assert.Equal(expected, built.Rungs(TrialHistory.Empty(StudyDirection.Minimize)).Max(r => r.Step));
    }

    [Fact]
    public void Hyperband_without_any_step_count_is_refused_at_submission_with_the_field_named()
    {
        // The parser cannot tell (only the trainable knows its steps); the submission check can.
        var spec = Parse("""{ "type": "process", "command": "python3" }""", """{ "type": "hyperband" }""");
        var e = Assert.Throws<SpecException>(() => StudyDecider.CheckTrainable(spec));
        Assert.Equal("scheduler.maxResource", e.Path);
        Assert.Contains("give scheduler.maxResource, or trainable.steps", e.Message);
    }

    [Theory]
    [InlineData("""{ "type": "hyperband", "synchronus": true }""", "scheduler.synchronus")]
    [InlineData("""{ "type": "hyperband", "reductionFactor": 1 }""", "scheduler.reductionFactor")]
    [InlineData("""{ "type": "asha", "maxResource": 1 }""", "scheduler.maxResource")]
    public void The_parser_still_checks_the_other_scheduler_settings_when_the_step_count_is_unknown(
        string scheduler, string field)
    {
        var e = Assert.Throws<SpecException>(() =>
            Parse("""{ "type": "function", "function": "lc-crossing" }""", scheduler));
        Assert.Equal(field, e.Path);
    }

    [Fact]
    public void A_declared_step_count_too_small_for_hyperband_is_refused_by_the_parser()
    {
        var e = Assert.Throws<SpecException>(() =>
            Parse("""{ "type": "function", "function": "lc-crossing", "steps": 2 }""", """{ "type": "hyperband" }"""));
        Assert.Equal("scheduler.maxResource", e.Path);
    }
}
