using System.Collections.Immutable;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Tests.Schedulers;

/// <summary>
/// Drives an optimizer and a scheduler with the coordinator's lifecycle semantics, without actors: each tick every
/// running trial trains one step (so with several slots trials finish out of order), reports, and is paused at its
/// StopAtStep, completed at the last step, or judged by the scheduler; every freed slot asks the scheduler. It
/// asserts the scheduler's side of the contract as it goes: no Wait with nothing running, no StartNew once new
/// trials cannot start, resumes only of paused trials below the last step and never twice from the same step,
/// prunes only of paused trials.
/// </summary>
internal sealed class SchedulerSimulation(IOptimizer optimizer, ITrialScheduler scheduler,
    Func<Configuration, long, double> curve, long steps, int maxTrials, int parallelism,
    StudyDirection direction = StudyDirection.Minimize)
{
    private readonly List<TrialRecord> _trials = new();
    private readonly HashSet<(int, long)> _resumedFrom = new();
    private bool _exhausted;
    private bool _done;

    /// <summary>Resumes as (trial, paused step, until).</summary>
    public List<(int Number, long From, long? Until)> Resumes { get; } = new();

    /// <summary>Steps trained in all.</summary>
    public long StepsSpent { get; private set; }

    /// <summary>The final history.</summary>
    public TrialHistory History => new(_trials.ToList(), direction);

    /// <summary>Runs the study to its end and returns the history.</summary>
    public TrialHistory Run()
    {
        Plan();
        for (var tick = 0; _trials.Any(t => t.State is TrialState.Running or TrialState.Waiting); tick++)
        {
            Assert.True(tick < 1_000_000, "the simulation does not terminate");
            foreach (var number in _trials.Where(t => t.State is TrialState.Running or TrialState.Waiting)
                         .Select(t => t.Number).ToList())
            {
                Advance(number);
                Plan();
            }
        }
        // The study is over: paused trials left are pruned at their paused step.
        for (var i = 0; i < _trials.Count; i++)
            if (_trials[i].State == TrialState.Paused) PruneTrial(i);
        return History;
    }

    private void Advance(int number)
    {
        var t = _trials[number];
        var step = (t.LastIntermediate?.Step ?? 0) + 1;
        var value = curve(t.Params, step);
        StepsSpent++;
        t = t with
        {
            State = TrialState.Running, Intermediate = t.Intermediate.Add(new IntermediateValue(step, value)),
        };
        if (step >= steps)
        {
            _trials[number] = t with { State = TrialState.Complete, Value = value };
            return;
        }
        if (t.StopAtStep is { } stop && step >= stop)
        {
            _trials[number] = t with { State = TrialState.Paused };
            return;
        }
        _trials[number] = t;
        var decision = scheduler.OnReport(History, number);
        _trials[number] = decision.Action switch
        {
            ReportAction.Prune => t with { State = TrialState.Pruned, Value = value },
            ReportAction.Pause => t with { State = TrialState.Paused },
            _ => t,
        };
    }

    private void Plan()
    {
        while (!_done && _trials.Count(t => t.State is TrialState.Running or TrialState.Waiting) < parallelism)
        {
            var canStartNew = !_exhausted && _trials.Count < maxTrials;
            var decision = scheduler.OnSlotFree(new SchedulerContext(History, canStartNew, maxTrials));
            foreach (var n in decision.Prune)
            {
                Assert.Equal(TrialState.Paused, _trials[n].State);
                PruneTrial(n);
            }
            switch (decision.Action)
            {
                case SlotAction.Resume:
                    var t = _trials[decision.TrialNumber!.Value];
                    Assert.Equal(TrialState.Paused, t.State);
                    var from = t.PausedAtStep!.Value;
                    Assert.True(from < steps, $"trial {t.Number} resumed past the last step");
                    Assert.True(_resumedFrom.Add((t.Number, from)), $"trial {t.Number} resumed twice from step {from}");
                    Assert.True(decision.StopAtStep is null || decision.StopAtStep > from);
                    Resumes.Add((t.Number, from, decision.StopAtStep));
                    _trials[t.Number] = t with { State = TrialState.Waiting, StopAtStep = decision.StopAtStep };
                    break;
                case SlotAction.StartNew:
                    Assert.True(canStartNew, "StartNew while no new trial can start");
                    var answer = optimizer.Ask(History, _trials.Count);
                    if (answer.Kind == OptimizerAnswerKind.Suggest)
                    {
                        var s = answer.Suggestion!;
                        _trials.Add(new TrialRecord(_trials.Count, TrialState.Waiting, s.Params)
                        {
                            Attributes = s.Attributes.SetItems(decision.Attributes),
                            StopAtStep = decision.StopAtStep,
                        });
                    }
                    else if (answer.Kind == OptimizerAnswerKind.Exhausted ||
                             !_trials.Any(x => x.State is TrialState.Running or TrialState.Waiting))
                    {
                        _exhausted = true;
                    }
                    else
                    {
                        return;
                    }
                    break;
                case SlotAction.Wait:
                    Assert.True(_trials.Any(x => x.State is TrialState.Running or TrialState.Waiting),
                        $"Wait with nothing running: {decision.Reason}");
                    return;
                case SlotAction.Done:
                    _done = true;
                    return;
            }
        }
    }

    private void PruneTrial(int number)
    {
        var t = _trials[number];
        Assert.Equal(TrialState.Paused, t.State);
        _trials[number] = t with { State = TrialState.Pruned, Value = t.LastIntermediate?.Value };
    }

    /// <summary>A trial record with reports <paramref name="values"/> at steps 1, 2, ...</summary>
    public static TrialRecord Trial(int number, TrialState state, params double[] values) =>
        new(number, state, Configuration.From(new Dictionary<string, object> { ["n"] = (long)number }))
        {
            Intermediate = values.Select((v, i) => new IntermediateValue(i + 1, v)).ToImmutableList(),
            Value = state is TrialState.Complete or TrialState.Pruned && values.Length > 0 ? values[^1] : null,
        };

    /// <summary>A running trial with reports <paramref name="values"/> at steps 1, 2, ...</summary>
    public static TrialRecord Running(int number, params double[] values) => Trial(number, TrialState.Running, values);
}
