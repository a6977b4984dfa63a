using HyperTune.Core.Optimizers;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Simulation;

/// <summary>
/// A multi-fidelity study in simulated time, with no cluster: an optimizer and a scheduler decide exactly as the
/// study coordinator makes them decide (the lifecycle of docs/schedulers.md), while <c>parallelism</c> slots run
/// trials one step per time unit. For benchmarks (<c>hypertune bench schedulers</c>) and tests.
/// </summary>
/// <remarks>
/// <para>Decisions, in the coordinator's order (StudyDecider): after each recorded report of a running trial, the
/// trial completes at the last step (no scheduler is asked there: the reference never prunes at the last step),
/// pauses if it reached its <see cref="TrialRecord.StopAtStep"/>, and otherwise the scheduler's
/// <see cref="ITrialScheduler.OnReport"/> continues, prunes or pauses it. Whenever a slot is free the scheduler's
/// <see cref="ITrialScheduler.OnSlotFree"/> resumes a paused trial, starts a new one (the optimizer is asked:
/// a suggestion starts it, wait stops planning, exhausted asks the scheduler again with CanStartNew false), waits
/// or is done; its Prune list stops paused trials for good.</para>
/// <para>Time: at each tick every running trial takes one step, in the order the trials were dispatched; a slot
/// freed during a tick is refilled at once and the new trial takes its first step at the next tick. Trials thus
/// start at different times and stop at different steps, so asynchronous completion is real, and everything is
/// deterministic. Each step costs one unit of the budget, which the coordinator's rule guards (<see cref="StepBudget"/>,
/// a study's <c>budget.maxSteps</c>): a trial starts only if the budget can take it to the last step beside what
/// the running trials may still take, and a resume only if its run fits. Only trials that reached the last step count
/// (as shared/bench/optuna_fidelity.py counts); the budget's hard end, running trials stopped where they are, is
/// thus never reached.</para>
/// </remarks>
public sealed class MultiFidelitySimulation
{
    private readonly SimulationSettings _settings;
    private readonly IOptimizer _optimizer;
    private readonly ITrialScheduler _scheduler;
    private readonly Func<Configuration, long, double> _curve;
    private readonly List<TrialRecord> _trials = new();
    private readonly List<int> _running = new();
    private long _left;
    private readonly StepBudget _budget;
    private long _time;
    private int _started;
    private string? _stopReason;
    private string? _optimizerStopReason;

    private MultiFidelitySimulation(SimulationSettings settings, IOptimizer optimizer, ITrialScheduler scheduler,
        Func<Configuration, long, double> curve)
    {
        _settings = settings;
        _optimizer = optimizer;
        _scheduler = scheduler;
        _curve = curve;
        _left = settings.BudgetSteps;
        _budget = new StepBudget(settings.BudgetSteps, settings.Steps);
    }

    /// <summary>Runs a study until its step budget is spent or nothing is left to run.</summary>
    /// <param name="settings">Steps per run, budget, slots, trial budget, direction.</param>
    /// <param name="optimizer">What to try next.</param>
    /// <param name="scheduler">When to stop, pause and resume.</param>
    /// <param name="curve">The value a configuration reports at a step (1-based).</param>
    /// <exception cref="InvalidOperationException">The scheduler resumed a trial that is not paused.</exception>
    public static SimulationResult Run(SimulationSettings settings, IOptimizer optimizer, ITrialScheduler scheduler,
        Func<Configuration, long, double> curve)
    {
        settings.Validate();
        return new MultiFidelitySimulation(settings, optimizer, scheduler, curve).Execute();
    }

    private TrialHistory History => new(_trials, _settings.Direction);

    private SimulationResult Execute()
    {
        Plan();
        while (_running.Count > 0 && _left > 0)
        {
            _time++;
            foreach (var number in _running.ToArray())
            {
                if (_left == 0) break;
                _left--;
                if (Step(number)) Plan();
            }
        }
        return Finish();
    }

    // One step of a running trial; true when its slot is free afterwards.
    private bool Step(int number)
    {
        var trial = _trials[number];
        var step = (trial.LastIntermediate?.Step ?? 0) + 1;
        var value = _curve(trial.Params, step);
        trial = trial with { Intermediate = trial.Intermediate.Add(new IntermediateValue(step, value)) };
        if (!double.IsFinite(value))
            return Free(trial with { State = TrialState.Failed, FailureReason = $"non-finite value at step {step}" });
        if (step >= _settings.Steps) return Free(trial with { State = TrialState.Complete, Value = value });
        if (trial.StopAtStep is { } stop && step >= stop) return Free(trial with { State = TrialState.Paused });
        _trials[number] = trial;
        var decision = _scheduler.OnReport(History, number);
        return decision.Action switch
        {
            ReportAction.Prune => Free(trial with { State = TrialState.Pruned, Value = value }),
            ReportAction.Pause => Free(trial with { State = TrialState.Paused }),
            _ => false,
        };
    }

    private bool Free(TrialRecord trial)
    {
        _trials[trial.Number] = trial;
        _running.Remove(trial.Number);
        return true;
    }

    // Fills free slots as the coordinator's planning round does (StudyDecider.Plan): the optimizer's exhaustion
    // and a scheduler's Done hold for this round only, so both are asked again after the next report.
    private void Plan()
    {
        var exhausted = false;
        var stuck = false;
        while (_running.Count < _settings.Parallelism && _left > 0)
        {
            var canStartNew = !exhausted && !stuck && _started < _settings.MaxTrials && _budget.AdmitsNew(History);
            var decision = _scheduler.OnSlotFree(new SchedulerContext(History, canStartNew, _settings.MaxTrials));
            foreach (var number in decision.Prune) PrunePaused(number);
            if (decision.Action == SlotAction.Resume)
            {
                var resumed = decision.TrialNumber
                    ?? throw new InvalidOperationException("the scheduler resumed no trial number");
                var reached = Paused(resumed, "resumed").LastIntermediate?.Step ?? 0;
                if (!_budget.AdmitsResume(History, reached, decision.StopAtStep))
                {
                    // As the coordinator does: the resume waits for room (running trials stopped early free some).
                    if (_running.Count == 0) _stopReason = "the step budget cannot take the trial the scheduler resumes";
                    return;
                }
                Resume(resumed, decision.StopAtStep);
                continue;
            }
            if (decision.Action == SlotAction.Done || (decision.Action == SlotAction.Wait && _running.Count == 0))
            {
                // Waiting with nothing running would never be woken (the contract forbids it): it ends the study.
                _stopReason = decision.Reason ?? "the scheduler has nothing left to run";
                return;
            }
            // A wait, or a scheduler asking for a new trial when none can start (a well-behaved one says Done).
            if (decision.Action != SlotAction.StartNew || !canStartNew)
            {
                _stopReason = decision.Action == SlotAction.Wait
                    ? decision.Reason ?? "the scheduler waits"
                    : "the scheduler asked for a new trial when none could start";
                return;
            }
            var answer = _optimizer.Ask(History, _trials.Count);
            if (answer.Suggestion is { } suggestion)
            {
                var number = _trials.Count;
                _trials.Add(new TrialRecord(number, TrialState.Running, suggestion.Params)
                {
                    Attributes = suggestion.Attributes.SetItems(decision.Attributes),
                    StopAtStep = decision.StopAtStep,
                });
                _running.Add(number);
                _started++;
                _optimizerStopReason = null;
            }
            // Exhausted, or waiting with nothing running (nothing would wake it): the scheduler is asked again with
            // CanStartNew false, so a synchronous rung closes or paused trials resume.
            else if (answer.Kind == OptimizerAnswerKind.Exhausted) exhausted = true;
            else if (_running.Count == 0) stuck = true;
            else return;
            if (exhausted || stuck) _optimizerStopReason = answer.Reason ?? "the optimizer has nothing to suggest";
        }
    }

    private void Resume(int number, long? stopAtStep)
    {
        var trial = Paused(number, "resumed");
        _trials[number] = trial with { State = TrialState.Running, StopAtStep = stopAtStep };
        _running.Add(number);
    }

    // As the coordinator does, pruning a trial that is not paused (any more) changes nothing.
    private void PrunePaused(int number)
    {
        if (number < 0 || number >= _trials.Count || _trials[number].State != TrialState.Paused) return;
        var trial = _trials[number];
        _trials[number] = trial with { State = TrialState.Pruned, Value = trial.LastIntermediate?.Value };
    }

    private TrialRecord Paused(int number, string verb)
    {
        var state = number >= 0 && number < _trials.Count ? _trials[number].State.ToString() : "unknown";
        if (state != nameof(TrialState.Paused))
            throw new InvalidOperationException($"the scheduler {verb} trial {number}, which is {state}, not paused");
        return _trials[number];
    }

    private SimulationResult Finish()
    {
        // Budget spent: trials still running stop unfinished; paused trials left are pruned at their paused step.
        foreach (var number in _running)
            _trials[number] = _trials[number] with
            {
                State = TrialState.Cancelled,
                FailureReason = "the step budget ran out",
            };
        _running.Clear();
        foreach (var trial in _trials.Where(t => t.State == TrialState.Paused).ToArray())
            _trials[trial.Number] = trial with { State = TrialState.Pruned, Value = trial.LastIntermediate?.Value };
        var reason = _left == 0 || !_budget.AdmitsNew(History) ? "the step budget is spent"
            : _optimizerStopReason is { } optimizer ? $"{_stopReason}; the optimizer: {optimizer}"
            : _stopReason ?? "nothing left to run";
        return new SimulationResult(new TrialHistory(_trials.ToArray(), _settings.Direction),
            _settings.BudgetSteps - _left, _started, _time, _settings.Parallelism, reason);
    }
}
