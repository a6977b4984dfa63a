using System.Collections.Immutable;
using System.Text.Json.Nodes;
using HyperTune.Cluster.Workers;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Schedulers.Population;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;
using HyperTune.Trainables;
using static HyperTune.Cluster.Studies.StudyEvents;

namespace HyperTune.Cluster.Studies;

/// <summary>
/// The study's decisions as pure functions of state and command: each returns the events to persist. The
/// coordinator actor persists them, applies them with <see cref="StudyState.Apply"/> and performs the side effects
/// (dispatching, replying). Nothing here touches actors, clocks or randomness of its own.
/// </summary>
public static class StudyDecider
{
    /// <summary>
    /// Decides what a submission does: create the study, change its budget (the resubmitted spec's budget, or the
    /// command's override of it, never below the trials already started), nothing (identical resubmission), or
    /// refuse it (a reason, and no events).
    /// </summary>
    public static (IReadOnlyList<IStudyEvent> Events, string? Rejection) Submit(StudyState? state, StudyProtocol.SubmitStudy command, DateTimeOffset now)
    {
        var events = new List<IStudyEvent>();
        if (state is null)
        {
            var created = new StudyCreated(command.StudyId, command.SpecJson, now);
            events.Add(created);
            state = StudyState.Create(created);
        }
        else if (!SameStudy(state.SpecJson, command.SpecJson))
        {
            return (events, $"study '{state.StudyId}' already exists with a different spec (only the budget may change when resuming); start a new study with --fresh or another name");
        }
        // Limits were applied where the spec was submitted (HyperTuneClient, with that node's hypertune.limits).
        var budget = Core.Specs.StudySpecParser.Parse(command.SpecJson, Core.Specs.SpecLimits.Unlimited).Budget;
        if (budget.MaxSteps != state.Spec.Budget.MaxSteps)
            return (Array.Empty<IStudyEvent>(),
                $"study '{state.StudyId}' was created with budget.maxSteps {state.Spec.Budget.MaxSteps?.ToString() ?? "unset"}, " +
                $"which cannot change when resuming (this spec: {budget.MaxSteps?.ToString() ?? "unset"}); " +
                "start a new study with --fresh or another name");
        // Trials already started cannot be taken back: a smaller budget stops the study at what it has started.
        var maxTrials = Math.Max(command.Budget?.MaxTrials ?? budget.MaxTrials, state.Trials.Count);
        if (GrowsStartedPopulation(state, maxTrials) is { } members)
            return (Array.Empty<IStudyEvent>(),
                $"study '{state.StudyId}' is a population of {members} members that has started; a budget of " +
                $"{maxTrials} trials would add members, which could not exploit anyone (the copies of the members' " +
                "checkpoints at the steps they passed may be gone); keep maxTrials at most " +
                $"{state.MaxTrials}, or start a new study with --fresh or another name");
        var parallelism = command.Budget?.Parallelism ?? budget.Parallelism;
        if (maxTrials != state.MaxTrials || parallelism != state.Parallelism)
            events.Add(new StudyBudgetChanged(maxTrials, parallelism, now));
        return (events, null);
    }

    /// <summary>
    /// The population's size when <paramref name="maxTrials"/> would add members to a population-based study whose
    /// population is complete (its members' copies of checkpoints below their steps may be deleted, so a new member
    /// would have no donor to start from); null otherwise.
    /// </summary>
    private static int? GrowsStartedPopulation(StudyState state, int maxTrials) =>
        PbtScheduler.PopulationFor(state.Spec.Scheduler, state.MaxTrials) is { } members
        && state.Trials.Count >= members
        && PbtScheduler.PopulationFor(state.Spec.Scheduler, maxTrials) > members
            ? members
            : null;

    /// <summary>
    /// Checks at submit time that the spec's trainable builds and, when its scheduler pauses trials, that the
    /// trainable can resume them (a built-in function always can; a process only with <c>"checkpoints": true</c>).
    /// </summary>
    /// <exception cref="SpecException">The trainable is invalid, or cannot resume what the scheduler pauses.
    /// </exception>
    /// <remarks>
    /// Building the scheduler with the trainable's step count also refuses a halving scheduler that needs a
    /// <c>maxResource</c> when neither the spec nor the trainable gives one (the spec parser cannot tell).
    /// </remarks>
    public static void CheckTrainable(StudySpec spec)
    {
        var trainable = TrainableFactory.Create(spec);
        CheckTrainable(spec, trainable, SchedulerFor(spec, trainable));
    }

    /// <summary>As <see cref="CheckTrainable(StudySpec)"/>, with the scheduler already built.</summary>
    /// <exception cref="SpecException">The trainable is invalid, or cannot resume what the scheduler pauses.
    /// </exception>
    public static void CheckTrainable(StudySpec spec, ITrialScheduler scheduler) =>
        CheckTrainable(spec, TrainableFactory.Create(spec), scheduler);

    /// <summary>
    /// The spec's scheduler, its halving ladder defaulting to <paramref name="trainable"/>'s step count
    /// (<see cref="ITrainable.TotalSteps"/>) where the spec gives no <c>maxResource</c>.
    /// </summary>
    /// <exception cref="SpecException">Bad scheduler settings, or a required maximum nobody gives.</exception>
    public static ITrialScheduler SchedulerFor(StudySpec spec, ITrainable trainable)
    {
        try
        {
            return SchedulerFactory.Create(spec, trainable.TotalSteps);
        }
        catch (SpecException e) when (e.Path == "scheduler.maxResource" && trainable.TotalSteps is null
                                      && !spec.Scheduler.Reader().Has("maxResource"))
        {
            throw new SpecException(e.Path, $"{e.Problem}; this '{spec.Trainable.Type}' trainable does not say how " +
                                            "many steps it runs: give scheduler.maxResource, or trainable.steps");
        }
    }

    private static void CheckTrainable(StudySpec spec, ITrainable trainable, ITrialScheduler scheduler)
    {
        if (spec.Budget.MaxSteps is { } maxSteps)
        {
            if (trainable.TotalSteps is not { } full)
                throw new SpecException("budget.maxSteps",
                    $"a step budget needs the steps of one run, but this '{spec.Trainable.Type}' trainable does not say " +
                    "how many it runs: give trainable.steps");
            BudgetSpec.CheckMaxSteps(maxSteps, full);
        }
        if (scheduler.PausesTrials && !trainable.CanResume)
            throw new SpecException("scheduler.type",
                $"scheduler '{spec.Scheduler.Type}' pauses trials and resumes them from their checkpoints, but this " +
                $"'{spec.Trainable.Type}' trainable cannot resume: give a process trainable \"checkpoints\": true " +
                "(and follow the resume contract in docs/study-spec.md), or choose a scheduler that does not pause " +
                "(asha, median...)");
    }

    /// <summary>True when two specs describe the same study apart from budget and storage.</summary>
    public static bool SameStudy(string specA, string specB)
    {
        static JsonNode? Essential(string json)
        {
            var node = JsonNode.Parse(json, documentOptions: new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (node is JsonObject o)
            {
                o.Remove("budget");
                o.Remove("storage");
                o.Remove("description");
            }
            return node;
        }
        return JsonNode.DeepEquals(Essential(specA), Essential(specB));
    }

    /// <summary>
    /// Plans without a scheduler (every trial runs to its end): see
    /// <see cref="Plan(StudyState, IOptimizer, ITrialScheduler, IReadOnlyList{WorkerNode}, DateTimeOffset, int, long?,
    /// int)"/>.
    /// </summary>
    public static IReadOnlyList<IStudyEvent> Plan(StudyState state, IOptimizer optimizer, IReadOnlyList<WorkerNode> workers, DateTimeOffset now, int maxRequeues) =>
        Plan(state, optimizer, NoScheduler, workers, now, maxRequeues);

    /// <summary>
    /// Keeps the study busy: while fewer than <c>parallelism</c> trials are active (Running or Waiting; paused ones
    /// hold no slot) it asks the scheduler what a free slot does (resume a paused trial, start a new one through the
    /// optimizer, wait, or nothing more), dispatches waiting trials to the nodes with free slots, fails trials that
    /// lost their worker too often, and finishes the study when nothing is active and the scheduler is done (paused
    /// trials left then are pruned at their paused step).
    /// </summary>
    /// <remarks>
    /// An optimizer that answers Wait while no trial is active could never be woken (only results wake it), so it is
    /// then treated as exhausted: the scheduler is asked again with no new trials allowed, which resumes paused
    /// trials or closes the open rung, and the study finishes when that leaves nothing to run.
    /// </remarks>
    /// <param name="state">The study.</param>
    /// <param name="optimizer">Chooses new trials' configurations.</param>
    /// <param name="scheduler">Decides what free slots do.</param>
    /// <param name="workers">The worker nodes and their free slots.</param>
    /// <param name="now">The time stamped on the events.</param>
    /// <param name="maxRequeues">How often a trial may lose its worker before it fails.</param>
    /// <param name="finalStep">The trainable's last step, when known: with <c>budget.maxSteps</c> it sizes a run
    /// (<see cref="StepBudget"/>).</param>
    /// <param name="parts">The units of work a new trial splits into (<see cref="ITrainable.Parts"/>): above 1, each
    /// is dispatched on its own to a free slot of any node; parallelism still counts trials.</param>
    public static IReadOnlyList<IStudyEvent> Plan(StudyState state, IOptimizer optimizer, ITrialScheduler scheduler,
        IReadOnlyList<WorkerNode> workers, DateTimeOffset now, int maxRequeues, long? finalStep = null, int parts = 1)
    {
        // A held study starts, resumes and dispatches nothing, and does not finish: its running trials just end.
        if (state.Status == StudyStatus.Finished || state.IsPaused) return Array.Empty<IStudyEvent>();
        var events = new List<IStudyEvent>();
        var s = state;
        void Emit(IStudyEvent e)
        {
            events.Add(e);
            s = s.Apply(e);
        }

        var deadlinePassed = s.Spec.Budget.WallClockLimit is { } limit && now >= s.CreatedAt + limit;
        var steps = s.Spec.Budget.MaxSteps is { } maxSteps && finalStep is { } full ? new StepBudget(maxSteps, full) : null;
        var stepsLeft = true;
        var exhausted = false;
        string? optimizerStuck = null;
        SlotDecision? done = null;
        var active = s.Active;
        void Started(int number)
        {
            if (parts > 1) Emit(new TrialPartsSet(number, parts));
            active++;
        }
        while (active < s.Parallelism)
        {
            stepsLeft = steps is null || steps.AdmitsNew(s.History);
            var canStartNew = !deadlinePassed && !exhausted && optimizerStuck is null && s.Trials.Count < s.MaxTrials
                              && stepsLeft;
            var slot = scheduler.OnSlotFree(new SchedulerContext(s.History, canStartNew, s.MaxTrials));
            foreach (var number in slot.Prune) PrunePaused(s, number, now, Emit);
            if (slot.Action == SlotAction.Resume)
            {
                var number = slot.TrialNumber
                             ?? throw new InvalidOperationException("the scheduler resumed no trial number");
                if (number < 0 || number >= s.Trials.Count || s.Trials[number].State != TrialState.Paused)
                    throw new InvalidOperationException($"the scheduler resumed trial {number}, which is not paused");
                if (steps is not null &&
                    !steps.AdmitsResume(s.History, s.Trials[number].LastIntermediate?.Step ?? 0, slot.StopAtStep))
                {
                    // Running trials stopped early give back what they had reserved; with none, it never fits.
                    if (active == 0) done = SlotDecision.Done(StepBudgetReached);
                    break;
                }
                if (slot.Exploit is { } exploit)
                {
                    CheckExploit(s, number, exploit);
                    Emit(new TrialExploited(number, exploit.Donor, exploit.Step, exploit.Params, now));
                }
                Emit(new TrialResumed(number, slot.StopAtStep, now));
                active++;
                continue;
            }
            // Waiting (or asking for a new trial that cannot start) with nothing running would never be woken: the
            // contract forbids it, so it ends the study rather than hanging it.
            var stuck = active == 0
                        && (slot.Action == SlotAction.Wait || (slot.Action == SlotAction.StartNew && !canStartNew));
            if (slot.Action == SlotAction.Done || stuck)
            {
                done = slot;
                break;
            }
            if (slot.Action != SlotAction.StartNew || !canStartNew) break;
            if (!s.Enqueued.IsEmpty)
            {
                // Enqueued configurations first, each exactly once (applying the start dequeues it); the optimizer
                // learns from their results as from its own trials.
                var number = s.Trials.Count;
                Emit(new TrialStarted(number, s.Enqueued[0],
                    slot.Attributes.SetItem(StudyState.EnqueuedAttribute, "true"), now));
                if (slot.StopAtStep is { } enqueuedStop) Emit(new TrialStopAtStepSet(number, enqueuedStop));
                Started(number);
                continue;
            }
            var answer = optimizer.Ask(s.History, s.Trials.Count);
            if (answer.Suggestion is { } suggestion)
            {
                var number = s.Trials.Count;
                Emit(new TrialStarted(number, suggestion.Params, suggestion.Attributes.SetItems(slot.Attributes), now));
                if (slot.StopAtStep is { } stop) Emit(new TrialStopAtStepSet(number, stop));
                Started(number);
            }
            else if (answer.Kind == OptimizerAnswerKind.Exhausted) exhausted = true;
            else if (active == 0) optimizerStuck = answer.Reason ?? "the optimizer waits while no trial runs";
            else break;
        }

        // A trial that lost its worker too often fails (a trial in parts: its workers, together).
        bool LostTooOften(int number)
        {
            if (s.Requeues.GetValueOrDefault(number) <= maxRequeues) return false;
            Emit(new TrialFailed(number, $"lost its worker {s.Requeues[number]} times (limit {maxRequeues})", true,
                now));
            active--;
            return true;
        }
        var placement = new WorkerPlacement(workers, s.StudyId,
            s.RunningDispatches().GroupBy(d => d.NodeKey).ToDictionary(g => g.Key, g => g.Count()));
        foreach (var t in s.WaitingTrials.Select(n => s.Trials[n]).ToList())
        {
            if (LostTooOften(t.Number)) continue;
            // A trial in parts is dispatched part by part, below.
            if (s.Parts.ContainsKey(t.Number)) continue;
            if (placement.Next() is not { } node) break;
            Emit(new TrialDispatched(t.Number, s.LastDispatch.GetValueOrDefault(t.Number) + 1, node, now));
        }
        // Parts take whatever slots are free, fold by fold across the trials (every trial's first fold, then every
        // second...), so trials in flight advance together as they do with their folds in one slot, and fold racing
        // learns about each of them early.
        foreach (var (number, part) in s.WaitingParts.OrderBy(p => p.Part).ThenBy(p => p.Number).ToList())
        {
            // A trial failed just above (too many lost workers) has no parts left.
            if (!s.Parts.ContainsKey(number) || LostTooOften(number)) continue;
            if (placement.Next() is not { } node) break;
            Emit(new TrialPartDispatched(number, part, s.LastDispatch.GetValueOrDefault(number) + 1, node, now));
        }

        if (active == 0 && done is not null)
        {
            foreach (var t in s.PausedTrials.Select(n => s.Trials[n]).ToList())
                PrunePaused(s, t.Number, now, Emit);
            var reason = s.Trials.Count >= s.MaxTrials ? StudyState.BudgetReached
                : !stepsLeft ? StepBudgetReached
                : exhausted ? "search space exhausted"
                : deadlinePassed ? "wall-clock limit reached"
                : optimizerStuck is not null ? $"the optimizer has nothing to suggest: {optimizerStuck}"
                : done.Reason ?? "the scheduler has nothing left to run";
            Emit(new StudyFinished(reason, now));
        }
        return events;
    }

    // A scheduler's exploit must name a donor that reached the member's paused step, whose checkpoint it copies.
    private static void CheckExploit(StudyState s, int number, ExploitDecision exploit)
    {
        var paused = s.Trials[number].PausedAtStep;
        if (exploit.Step != paused)
            throw new InvalidOperationException(
                $"the scheduler exploited at step {exploit.Step} for trial {number}, paused at {paused}");
        if (exploit.Donor < 0 || exploit.Donor >= s.Trials.Count
            || s.Trials[exploit.Donor].ValueAtStep(exploit.Step) is null)
            throw new InvalidOperationException(
                $"the scheduler gave trial {number} donor {exploit.Donor}, which has no step {exploit.Step}");
    }

    /// <summary>Why a study with <c>budget.maxSteps</c> ends when no further run fits in it.</summary>
    public const string StepBudgetReached = "step budget reached";

    private static readonly ITrialScheduler NoScheduler = new RunToCompletionScheduler();

    /// <summary>Stops a paused trial for good at its paused step, its last value standing (no-op otherwise).</summary>
    private static void PrunePaused(StudyState s, int number, DateTimeOffset now, Action<IStudyEvent> emit)
    {
        if (number < 0 || number >= s.Trials.Count || s.Trials[number].State != TrialState.Paused) return;
        var last = s.Trials[number].LastIntermediate;
        emit(new TrialPruned(number, last?.Step ?? 0, last?.Value ?? double.NaN, now));
    }

    /// <summary>
    /// A worker's result: completes the trial, or records a failed attempt (final once retries are used up).
    /// Results for finished trials, and failures from a superseded dispatch, change nothing. A completed result
    /// from an earlier dispatch of an unfinished trial is accepted: the work was done, so it is not thrown away.
    /// </summary>
    public static IReadOnlyList<IStudyEvent> Result(StudyState state, int number, int dispatch, IReadOnlyDictionary<string, double> metrics, string? failure, DateTimeOffset now)
        => Result(state, NoScheduler, number, dispatch, metrics, failure, now);

    /// <summary>
    /// A worker's result, as <see cref="Result(StudyState, int, int, IReadOnlyDictionary{string, double}, string?,
    /// DateTimeOffset)"/>; for a trial in parts, the result of one part (<see cref="PartResult"/>), on which
    /// <paramref name="scheduler"/> may stop the trial.
    /// </summary>
    public static IReadOnlyList<IStudyEvent> Result(StudyState state, ITrialScheduler scheduler, int number,
        int dispatch, IReadOnlyDictionary<string, double> metrics, string? failure, DateTimeOffset now)
    {
        if (number < 0 || number >= state.Trials.Count) return Array.Empty<IStudyEvent>();
        if (state.Parts.ContainsKey(number))
            return PartResult(state, scheduler, number, dispatch, metrics, failure, now);
        var trial = state.Trials[number];
        // A paused trial's late result is not taken: its rung bookkeeping decided it stops at the paused step.
        if (trial.State.IsFinished() || trial.State == TrialState.Paused
            || dispatch > state.LastDispatch.GetValueOrDefault(number))
            return Array.Empty<IStudyEvent>();
        var (value, reason) = new TrialOutcome(metrics, failure).Judge(state.Spec.Objective.Metrics.Select(m => m.Name).ToList());
        if (value is { } v)
            return new IStudyEvent[] { new TrialCompleted(number, v, metrics.ToImmutableDictionary(), now) };
        if (!state.IsCurrentDispatch(number, dispatch)) return Array.Empty<IStudyEvent>();
        return new IStudyEvent[] { new TrialFailed(number, reason!, RetriesUsedUp(state, trial), now) };
    }

    // A failed attempt is the trial's last when its retries are used up.
    private static bool RetriesUsedUp(StudyState state, TrialRecord trial) =>
        trial.FailedAttempts + 1 > state.Spec.MaxRetries;

    /// <summary>
    /// One part's result (a trial in parts): a failed part fails the trial's attempt (its other running parts stop;
    /// a retry runs the parts not done). A completed part is recorded; when it completes the run of parts from the
    /// first, the trial reports the running mean of the study metric over them at step m (m parts), as a trial that
    /// runs its folds one after another does, and <paramref name="scheduler"/> judges that report (fold racing, a
    /// pruner); when every part is done the trial completes with <see cref="PartResults.Aggregate"/> of them.
    /// Results of dispatches no longer current change nothing.
    /// </summary>
    public static IReadOnlyList<IStudyEvent> PartResult(StudyState state, ITrialScheduler scheduler, int number,
        int dispatch, IReadOnlyDictionary<string, double> metrics, string? failure, DateTimeOffset now)
    {
        if (state.PartOf(number, dispatch) is not { } part) return Array.Empty<IStudyEvent>();
        var trial = state.Trials[number];
        var names = state.Spec.Objective.Metrics.Select(m => m.Name).ToList();
        var (_, reason) = new TrialOutcome(metrics, failure).Judge(names);
        if (reason is not null)
            return new IStudyEvent[]
            {
                new TrialFailed(number, $"part {part + 1}: {reason}", RetriesUsedUp(state, trial), now),
            };
        var events = new List<IStudyEvent>();
        var s = state;
        void Emit(IStudyEvent e)
        {
            events.Add(e);
            s = s.Apply(e);
        }
        Emit(new TrialPartCompleted(number, part, metrics.ToImmutableDictionary(), now));
        var parts = s.Parts[number];
        var metric = state.Spec.Objective.Metric;
        var done = parts.Select(p => (IReadOnlyDictionary<string, double>)p.Metrics!).TakeWhile(m => m is not null)
            .ToList();
        var last = (int)(trial.LastIntermediate?.Step ?? 0);
        for (var m = last + 1; m <= done.Count; m++)
            Emit(new TrialReported(number, m, PartResults.RunningMeans(done, m)[metric]));
        if (done.Count == parts.Count)
        {
            var aggregate = PartResults.Aggregate(done, metric);
            var (value, failed) = new TrialOutcome(aggregate, null).Judge(names);
            Emit(value is { } v
                ? new TrialCompleted(number, v, aggregate.ToImmutableDictionary(), now)
                : new TrialFailed(number, failed!, true, now));
            return events;
        }
        if (done.Count > last && scheduler.OnReport(s.History, number) is { Action: ReportAction.Prune })
        {
            var reported = s.Trials[number].LastIntermediate!;
            Emit(new TrialPruned(number, reported.Step, reported.Value, now));
        }
        return events;
    }

    /// <summary>
    /// A worker began running a dispatch: recorded once, for the current dispatch, with the worker's start time (so a
    /// trial's start excludes its wait in the worker's queue).
    /// </summary>
    public static IReadOnlyList<IStudyEvent> ExecutionStarted(StudyState state, int number, int dispatch,
        DateTimeOffset at) =>
        state.IsCurrentDispatch(number, dispatch) && !state.Executing.Contains(number)
            ? new IStudyEvent[] { new TrialExecutionStarted(number, dispatch, at) }
            : Array.Empty<IStudyEvent>();

    /// <summary>An intermediate report, without a scheduler: see the overload taking one.</summary>
    public static IReadOnlyList<IStudyEvent> Progress(StudyState state, int number, int dispatch, long step, IReadOnlyDictionary<string, double> metrics) =>
        Progress(state, NoScheduler, number, dispatch, step, metrics, DateTimeOffset.MinValue);

    /// <summary>
    /// An intermediate report: recorded when it is the current dispatch's and moves past the last recorded step (so a
    /// re-dispatched trial's repeated steps count once). Then the trial pauses when it reached its
    /// <see cref="TrialRecord.StopAtStep"/>, or else the scheduler decides: continue, prune or pause. The decision
    /// is an event persisted with the report; the coordinator tells the worker once it is written. A pause at the stop
    /// step is stamped <paramref name="reportedAt"/> when given (the run ended right after that report, on the worker),
    /// decisions <paramref name="now"/>.
    /// </summary>
    /// <remarks>
    /// <c>finalStep</c> is the trainable's last step when known (<see cref="ITrainable.TotalSteps"/>): a report there
    /// is only recorded, never judged nor paused, since the result that follows completes the trial (pruning it there
    /// would throw away a finished run's value, which Optuna's loop never does either).
    /// </remarks>
    public static IReadOnlyList<IStudyEvent> Progress(StudyState state, ITrialScheduler scheduler, int number,
        int dispatch, long step, IReadOnlyDictionary<string, double> metrics, DateTimeOffset now,
        long? finalStep = null, DateTimeOffset? reportedAt = null)
    {
        // A part reports nothing of its own: its trial's reports come from its parts' results (PartResult).
        if (!state.IsCurrentDispatch(number, dispatch) || state.Parts.ContainsKey(number))
            return Array.Empty<IStudyEvent>();
        if (!metrics.TryGetValue(state.Spec.Objective.Metric, out var value) || !double.IsFinite(value)) return Array.Empty<IStudyEvent>();
        var last = state.Trials[number].LastIntermediate;
        if (last is not null && step <= last.Step) return Array.Empty<IStudyEvent>();
        var reported = new TrialReported(number, step, value);
        if (finalStep is { } end && step >= end) return new IStudyEvent[] { reported };
        var after = state.Apply(reported);
        if (after.Trials[number].StopAtStep is { } stop && step >= stop)
            return new IStudyEvent[] { reported, new TrialPaused(number, step, reportedAt ?? now) };
        var decision = scheduler.OnReport(after.History, number);
        return decision.Action switch
        {
            ReportAction.Prune => new IStudyEvent[] { reported, new TrialPruned(number, step, value, now) },
            ReportAction.Pause => new IStudyEvent[] { reported, new TrialPaused(number, step, now) },
            _ => new IStudyEvent[] { reported },
        };
    }

    /// <summary>
    /// The worker says the trial's run ended paused (its trainable returned at its stop step, or it obeyed a pause):
    /// the trial pauses at its last recorded step unless that was already decided (or the dispatch is superseded).
    /// </summary>
    public static IReadOnlyList<IStudyEvent> Paused(StudyState state, int number, int dispatch, DateTimeOffset now) =>
        state.IsCurrentDispatch(number, dispatch) && !state.Parts.ContainsKey(number)
            ? new IStudyEvent[] { new TrialPaused(number, state.Trials[number].LastIntermediate?.Step ?? 0, now) }
            : Array.Empty<IStudyEvent>();

    /// <summary>
    /// The trial's worker went away without a result: requeue it (when that dispatch is still current); for a trial
    /// in parts, only the part that ran as that dispatch.
    /// </summary>
    public static IReadOnlyList<IStudyEvent> WorkerLost(StudyState state, int number, int dispatch, string reason, DateTimeOffset now) =>
        state.PartOf(number, dispatch) is { } part
            ? new IStudyEvent[] { new TrialPartRequeued(number, part, reason, now) }
            : state.IsCurrentDispatch(number, dispatch)
                ? new IStudyEvent[] { new TrialRequeued(number, reason, now) }
                : Array.Empty<IStudyEvent>();

    /// <summary>
    /// An operator's stop: unfinished trials are cancelled (a state of their own, not failures: nothing went wrong
    /// with them), then the study finishes.
    /// </summary>
    public static IReadOnlyList<IStudyEvent> Stop(StudyState state, string reason, DateTimeOffset now)
        => StopEvents(state, reason, now);

    /// <summary>
    /// Enqueues configurations given as JSON (an object, or an array of objects), each checked against the study's
    /// space: they start as the next new trials, in order, before the optimizer's own.
    /// </summary>
    /// <exception cref="SpecException">Not JSON, or a configuration outside the space (the message says where).
    /// </exception>
    /// <exception cref="InvalidOperationException">The study has finished, or its budget has no room for them.
    /// </exception>
    public static IReadOnlyList<IStudyEvent> Enqueue(StudyState state, string paramsJson, DateTimeOffset now)
    {
        if (state.Status == StudyStatus.Finished)
            throw new InvalidOperationException($"study {state.StudyId} has finished ({state.FinishReason}); " +
                                                "resubmit it with a larger budget first");
        var configurations = ConfigurationReader.ReadMany(paramsJson, "params", state.Spec.Space);
        var room = state.MaxTrials - state.Trials.Count - state.Enqueued.Count;
        if (configurations.Count > room)
            throw new InvalidOperationException($"study {state.StudyId} has room for {Math.Max(0, room)} more " +
                                                $"trial(s) in its budget of {state.MaxTrials}, not " +
                                                $"{configurations.Count}; resubmit it with a larger budget first");
        return configurations.Select(c => (IStudyEvent)new TrialEnqueued(c, now)).ToList();
    }

    /// <summary>
    /// Holds a running study (nothing new starts until <see cref="Resume"/>); nothing when it is held already.
    /// </summary>
    /// <exception cref="InvalidOperationException">The study has finished.</exception>
    public static IReadOnlyList<IStudyEvent> Pause(StudyState state, string reason, DateTimeOffset now)
    {
        if (state.Status == StudyStatus.Finished)
            throw new InvalidOperationException($"study {state.StudyId} has finished ({state.FinishReason}); " +
                                                "there is nothing to pause");
        return state.IsPaused ? Array.Empty<IStudyEvent>() : new IStudyEvent[] { new StudyPaused(reason, now) };
    }

    /// <summary>Lets a held study go on; nothing when it is not held.</summary>
    public static IReadOnlyList<IStudyEvent> Resume(StudyState state, DateTimeOffset now) =>
        state.IsPaused ? new IStudyEvent[] { new StudyResumed(now) } : Array.Empty<IStudyEvent>();

    private static IReadOnlyList<IStudyEvent> StopEvents(StudyState state, string reason, DateTimeOffset now)
    {
        if (state.Status == StudyStatus.Finished) return Array.Empty<IStudyEvent>();
        var events = state.Trials
            .Where(t => !t.State.IsFinished())
            .Select(t => (IStudyEvent)new TrialCancelled(t.Number, $"study stopped: {reason}", now))
            .ToList();
        events.Add(new StudyFinished($"stopped: {reason}", now));
        return events;
    }
}
