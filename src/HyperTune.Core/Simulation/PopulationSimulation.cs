using HyperTune.Core.Optimizers;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Simulation;

/// <summary>
/// A population-based training study in simulated time, with no cluster: trials carry a real state (the model's
/// weights, <typeparamref name="TState"/>) that a step transforms and an exploit copies, so the scheduler's
/// exploit/explore decisions act as they do on workers. The optimizer and the scheduler decide as the study
/// coordinator makes them decide; <c>parallelism</c> slots train one step per tick each. For benchmarks
/// (<c>hypertune bench pbt</c>) and tests.
/// </summary>
/// <remarks>
/// A trial pauses after the step that reaches its <see cref="TrialRecord.StopAtStep"/> and its state at that step is
/// kept, as a worker keeps its checkpoint; a resume with <see cref="SlotDecision.Exploit"/> replaces the trial's state
/// with the donor's kept one and its configuration with the new one (recorded in its lineage). A trial completes at
/// the last step. Deterministic for the optimizer's and scheduler's seeds.
/// </remarks>
/// <typeparam name="TState">A member's state; treated as immutable (a step returns a new one).</typeparam>
public sealed class PopulationSimulation<TState>
{
    private readonly IOptimizer _optimizer;
    private readonly ITrialScheduler _scheduler;
    private readonly Func<TState> _initial;
    private readonly Func<TState, Configuration, TState> _train;
    private readonly Func<TState, double> _value;
    private readonly long _steps;
    private readonly int _maxTrials;
    private readonly int _parallelism;
    private readonly StudyDirection _direction;
    private readonly List<TrialRecord> _trials = new();
    private readonly List<TState> _states = new();
    private readonly Dictionary<(int Trial, long Step), TState> _kept = new();

    /// <summary>Creates the simulation.</summary>
    /// <param name="optimizer">Chooses the members' initial configurations.</param>
    /// <param name="scheduler">The population's scheduler.</param>
    /// <param name="initial">A new member's state.</param>
    /// <param name="train">One training step of a state with a configuration.</param>
    /// <param name="value">The metric of a state.</param>
    /// <param name="steps">The steps of a full run.</param>
    /// <param name="maxTrials">The trial budget (the population, for PBT).</param>
    /// <param name="parallelism">Slots.</param>
    /// <param name="direction">The metric's direction.</param>
    public PopulationSimulation(IOptimizer optimizer, ITrialScheduler scheduler, Func<TState> initial,
        Func<TState, Configuration, TState> train, Func<TState, double> value, long steps, int maxTrials,
        int parallelism, StudyDirection direction)
    {
        _optimizer = optimizer;
        _scheduler = scheduler;
        _initial = initial;
        _train = train;
        _value = value;
        _steps = steps;
        _maxTrials = maxTrials;
        _parallelism = parallelism;
        _direction = direction;
    }

    /// <summary>The history so far.</summary>
    public TrialHistory History => new(_trials.ToList(), _direction);

    /// <summary>Exploits and explores applied, in order.</summary>
    public List<(int Number, ExploitDecision Decision)> Exploits { get; } = new();

    /// <summary>Steps trained in all.</summary>
    public long StepsSpent { get; private set; }

    /// <summary>Runs the study to its end and returns the history.</summary>
    /// <exception cref="InvalidOperationException">The scheduler broke its contract.</exception>
    public TrialHistory Run()
    {
        Plan();
        for (var tick = 0; _trials.Any(t => t.State is TrialState.Running or TrialState.Waiting); tick++)
        {
            if (tick > 100_000_000) throw new InvalidOperationException("the simulation does not terminate");
            foreach (var number in _trials.Where(t => t.State is TrialState.Running or TrialState.Waiting)
                         .Select(t => t.Number).ToList())
                Advance(number);
            Plan();
        }
        return History;
    }

    /// <summary>
    /// The first step at which some member reported a value at least as good as <paramref name="target"/>, or null.
    /// </summary>
    public long? FirstStepReaching(double target)
    {
        long? first = null;
        foreach (var t in _trials)
        foreach (var v in t.Intermediate)
        {
            var reached = _direction == StudyDirection.Maximize ? v.Value >= target : v.Value <= target;
            if (!reached) continue;
            if (first is null || v.Step < first) first = v.Step;
            break;
        }
        return first;
    }

    private void Advance(int number)
    {
        var t = _trials[number];
        var step = (t.LastIntermediate?.Step ?? 0) + 1;
        var state = _train(_states[number], t.Params);
        _states[number] = state;
        StepsSpent++;
        var value = _value(state);
        t = t with
        {
            State = TrialState.Running, Intermediate = t.Intermediate.Add(new IntermediateValue(step, value)),
        };
        if (step >= _steps) t = t with { State = TrialState.Complete, Value = value };
        else if (t.StopAtStep is { } stop && step >= stop)
        {
            _kept[(number, step)] = state;
            t = t with { State = TrialState.Paused };
        }
        _trials[number] = t;
    }

    private void Plan()
    {
        while (_trials.Count(t => t.State is TrialState.Running or TrialState.Waiting) < _parallelism)
        {
            var running = _trials.Any(t => t.State is TrialState.Running or TrialState.Waiting);
            var slot = _scheduler.OnSlotFree(new SchedulerContext(History, _trials.Count < _maxTrials, _maxTrials));
            switch (slot.Action)
            {
                case SlotAction.StartNew when _trials.Count < _maxTrials:
                    var answer = _optimizer.Ask(History, _trials.Count);
                    if (answer.Suggestion is not { } suggestion) return;
                    _trials.Add(new TrialRecord(_trials.Count, TrialState.Waiting, suggestion.Params)
                    {
                        Attributes = suggestion.Attributes.SetItems(slot.Attributes),
                        StopAtStep = slot.StopAtStep,
                    });
                    _states.Add(_initial());
                    break;
                case SlotAction.Resume:
                    Resume(slot);
                    break;
                case SlotAction.Wait when !running:
                    throw new InvalidOperationException($"the scheduler waits with nothing running: {slot.Reason}");
                default:
                    DiscardKept();
                    return;
            }
        }
        DiscardKept();
    }

    // As workers do: copies the scheduler no longer needs are dropped, so an exploit of one fails the simulation.
    private void DiscardKept()
    {
        var from = _scheduler.KeptCheckpointsNeededFrom(new SchedulerContext(History, false, _maxTrials));
        foreach (var key in _kept.Keys.Where(k => k.Step < from).ToList()) _kept.Remove(key);
    }

    /// <summary>Kept states not yet discarded.</summary>
    public int KeptCount => _kept.Count;

    private void Resume(SlotDecision slot)
    {
        var number = slot.TrialNumber ?? throw new InvalidOperationException("a resume without a trial");
        var t = _trials[number];
        if (t.State != TrialState.Paused)
            throw new InvalidOperationException($"trial {number} resumed while {t.State}");
        if (slot.Exploit is { } exploit)
        {
            if (!_kept.TryGetValue((exploit.Donor, exploit.Step), out var donorState))
                throw new InvalidOperationException($"trial {exploit.Donor} has no kept state at step {exploit.Step}");
            _states[number] = donorState;
            t = t with
            {
                Params = exploit.Params,
                Lineage = t.Lineage.Add(new LineageEntry(exploit.Step, exploit.Donor, t.Params, exploit.Params)),
            };
            Exploits.Add((number, exploit));
        }
        _trials[number] = t with { State = TrialState.Waiting, StopAtStep = slot.StopAtStep };
    }
}
