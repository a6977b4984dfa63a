using HyperTune.Cluster.Studies;
using HyperTune.Cluster.Workers;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Studies;
using static HyperTune.Cluster.Studies.StudyEvents;

namespace HyperTune.Cluster.Tests;

/// <summary>
/// The state's indexes of trials by state (waiting, paused, active), which planning reads instead of scanning every
/// trial, and its counts and best trial, which progress reports read, agree with a scan after every event of a study that pauses, resumes, requeues, fails and cancels trials,
/// and after a round trip through a snapshot.
/// </summary>
public class StudyStateIndexTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 5, 0, 0, TimeSpan.Zero);
    private static readonly WorkerNode[] OneNode = { new("a:1#1", 2, 0) };

    private static void AssertIndexed(StudyState s)
    {
        Assert.Equal(s.Trials.Where(t => t.State == TrialState.Waiting).Select(t => t.Number), s.WaitingTrials.ToList());
        Assert.Equal(s.Trials.Where(t => t.State == TrialState.Paused).Select(t => t.Number), s.PausedTrials.ToList());
        Assert.Equal(s.Trials.Count(t => t.State is TrialState.Running or TrialState.Waiting), s.Active);
        // The counts and the best trial that progress reports read, against a scan.
        Assert.Equal(TrialCounts.Of(s.Trials), s.Counts);
        foreach (var state in Enum.GetValues<TrialState>())
            Assert.Equal(s.Trials.Count(t => t.State == state), CountOf(s.Counts, state));
        Assert.Equal(s.Trials.Sum(t => t.LastIntermediate?.Step ?? 0), s.Counts.Steps);
        Assert.Equal(s.History.Best?.Number ?? -1, s.BestNumber);
        var progress = s.Progress();
        Assert.Equal(s.Trials.Count(t => t.State == TrialState.Running && s.Executing.Contains(t.Number)), progress.Running);
        Assert.Equal(s.Trials.Count(t => t.State == TrialState.Running && !s.Executing.Contains(t.Number)), progress.Queued);
        Assert.Equal(s.History.Best?.Number, progress.Best?.Number);
    }

    private static int CountOf(TrialCounts c, TrialState state) => state switch
    {
        TrialState.Waiting => c.Waiting,
        TrialState.Running => c.Running,
        TrialState.Paused => c.Paused,
        TrialState.Complete => c.Complete,
        TrialState.Pruned => c.Pruned,
        TrialState.Failed => c.Failed,
        TrialState.Cancelled => c.Cancelled,
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    [Fact]
    public void Indexes_follow_every_state_change_and_survive_a_snapshot()
    {
        var kinds = new HashSet<Type>();
        // A rung scheduler pauses, resumes and prunes; running to completion leaves room for failures, requeues and
        // an operator's stop with trials running.
        Walk(new FakeRungScheduler(rungSize: 3, milestone: 2, keep: 1), stopAtRound: null, kinds);
        Walk(new RunToCompletionScheduler(), stopAtRound: 12, kinds);

        // The walk went through every kind of change the indexes follow.
        Assert.Empty(new[]
        {
            typeof(TrialStarted), typeof(TrialDispatched), typeof(TrialRequeued), typeof(TrialFailed),
            typeof(TrialPaused), typeof(TrialResumed), typeof(TrialCompleted), typeof(TrialPruned), typeof(TrialCancelled),
        }.Except(kinds).Select(t => t.Name));
    }

    private static void Walk(ITrialScheduler scheduler, int? stopAtRound, HashSet<Type> kinds)
    {
        var s = StudyState.Create(new StudyCreated("idx", StudyDeciderTests.Spec(maxTrials: 40, parallelism: 4), T0));
        var optimizer = OptimizerFactory.Create(s.Spec.Optimizer, s.Spec.Space, s.Spec.Objective.Direction);
        var random = new Random(7);

        StudyState Apply(StudyState state, IEnumerable<IStudyEvent> events)
        {
            foreach (var e in events)
            {
                state = state.Apply(e);
                kinds.Add(e.GetType());
                AssertIndexed(state);
            }
            return state;
        }

        for (var round = 0; round < 200 && s.Status == StudyStatus.Running; round++)
        {
            s = Apply(s, StudyDecider.Plan(s, optimizer, scheduler, OneNode, T0, maxRequeues: 2));
            AssertIndexed(StudyState.FromSnapshot(s.ToSnapshot()));
            if (round == stopAtRound)
            {
                s = Apply(s, StudyDecider.Stop(s, "enough", T0));
                break;
            }
            foreach (var number in s.RunningOn.Keys.OrderBy(n => n).ToList())
            {
                var dispatch = s.LastDispatch[number];
                var roll = random.NextDouble();
                // One decimal: equal losses are common, so ties (to the earlier trial) are checked too.
                var loss = new Dictionary<string, double> { ["loss"] = Math.Round(random.NextDouble(), 1) };
                s = roll switch
                {
                    < 0.15 => Apply(s, StudyDecider.WorkerLost(s, number, dispatch, "lost", T0)),
                    < 0.3 => Apply(s, StudyDecider.Result(s, number, dispatch, new Dictionary<string, double>(),
                        "crashed", T0)),
                    < 0.7 => Apply(s, StudyDecider.Progress(s, scheduler, number, dispatch,
                        (s.Trials[number].LastIntermediate?.Step ?? 0) + 1, loss, T0)),
                    _ => Apply(s, StudyDecider.Result(s, number, dispatch, loss, null, T0)),
                };
            }
        }
        AssertIndexed(StudyState.FromSnapshot(s.ToSnapshot()));
    }
}
