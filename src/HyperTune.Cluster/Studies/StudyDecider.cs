using System.Collections.Immutable;
using System.Text.Json.Nodes;
using HyperTune.Cluster.Workers;
using HyperTune.Core.Optimizers;
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
        // Trials already started cannot be taken back: a smaller budget stops the study at what it has started.
        var maxTrials = Math.Max(command.Budget?.MaxTrials ?? budget.MaxTrials, state.Trials.Count);
        var parallelism = command.Budget?.Parallelism ?? budget.Parallelism;
        if (maxTrials != state.MaxTrials || parallelism != state.Parallelism)
            events.Add(new StudyBudgetChanged(maxTrials, parallelism, now));
        return (events, null);
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
    /// Keeps the study busy: starts new trials (asking the optimizer) while fewer than <c>parallelism</c> are active
    /// and the budget allows, dispatches waiting trials to the nodes with free slots, fails trials that lost their
    /// worker too often, and finishes the study when nothing is left to do.
    /// </summary>
    public static IReadOnlyList<IStudyEvent> Plan(StudyState state, IOptimizer optimizer, IReadOnlyList<WorkerNode> workers, DateTimeOffset now, int maxRequeues)
    {
        if (state.Status == StudyStatus.Finished) return Array.Empty<IStudyEvent>();
        var events = new List<IStudyEvent>();
        var s = state;
        void Emit(IStudyEvent e)
        {
            events.Add(e);
            s = s.Apply(e);
        }

        var deadlinePassed = s.Spec.Budget.WallClockLimit is { } limit && now >= s.CreatedAt + limit;
        var exhausted = false;
        var active = s.Active;
        while (!deadlinePassed && active < s.Parallelism && s.Trials.Count < s.MaxTrials)
        {
            var answer = optimizer.Ask(s.History, s.Trials.Count);
            if (answer.Kind == OptimizerAnswerKind.Exhausted) exhausted = true;
            if (answer.Suggestion is not { } suggestion) break;
            Emit(new TrialStarted(s.Trials.Count, suggestion.Params, suggestion.Attributes, now));
            active++;
        }

        var placement = new WorkerPlacement(workers, s.StudyId, s.RunningOn.Values.GroupBy(k => k).ToDictionary(g => g.Key, g => g.Count()));
        foreach (var t in s.Trials.Where(t => t.State == TrialState.Waiting).ToList())
        {
            if (s.Requeues.GetValueOrDefault(t.Number) > maxRequeues)
            {
                Emit(new TrialFailed(t.Number, $"lost its worker {s.Requeues[t.Number]} times (limit {maxRequeues})", true, now));
                active--;
                continue;
            }
            if (placement.Next() is not { } node) break;
            Emit(new TrialDispatched(t.Number, s.LastDispatch.GetValueOrDefault(t.Number) + 1, node, now));
        }

        if (active == 0)
        {
            string? reason = s.Trials.Count >= s.MaxTrials ? StudyState.BudgetReached
                : exhausted ? "search space exhausted"
                : deadlinePassed ? "wall-clock limit reached"
                : null;
            if (reason is not null) Emit(new StudyFinished(reason, now));
        }
        return events;
    }

    /// <summary>
    /// A worker's result: completes the trial, or records a failed attempt (final once retries are used up).
    /// Results for finished trials, and failures from a superseded dispatch, change nothing. A completed result
    /// from an earlier dispatch of an unfinished trial is accepted: the work was done, so it is not thrown away.
    /// </summary>
    public static IReadOnlyList<IStudyEvent> Result(StudyState state, int number, int dispatch, IReadOnlyDictionary<string, double> metrics, string? failure, DateTimeOffset now)
    {
        if (number < 0 || number >= state.Trials.Count) return Array.Empty<IStudyEvent>();
        var trial = state.Trials[number];
        if (trial.State.IsFinished() || dispatch > state.LastDispatch.GetValueOrDefault(number)) return Array.Empty<IStudyEvent>();
        var (value, reason) = new TrialOutcome(metrics, failure).Judge(state.Spec.Objective.Metric);
        if (value is { } v)
            return new IStudyEvent[] { new TrialCompleted(number, v, metrics.ToImmutableDictionary(), now) };
        if (!state.IsCurrentDispatch(number, dispatch)) return Array.Empty<IStudyEvent>();
        var final = trial.FailedAttempts + 1 > state.Spec.MaxRetries;
        return new IStudyEvent[] { new TrialFailed(number, reason!, final, now) };
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

    /// <summary>An intermediate report: recorded when it is the current dispatch's and moves past the last recorded step.</summary>
    public static IReadOnlyList<IStudyEvent> Progress(StudyState state, int number, int dispatch, long step, IReadOnlyDictionary<string, double> metrics)
    {
        if (!state.IsCurrentDispatch(number, dispatch)) return Array.Empty<IStudyEvent>();
        if (!metrics.TryGetValue(state.Spec.Objective.Metric, out var value) || !double.IsFinite(value)) return Array.Empty<IStudyEvent>();
        var last = state.Trials[number].LastIntermediate;
        if (last is not null && step <= last.Step) return Array.Empty<IStudyEvent>();
        return new IStudyEvent[] { new TrialReported(number, step, value) };
    }

    /// <summary>The trial's worker went away without a result: requeue it (when that dispatch is still current).</summary>
    public static IReadOnlyList<IStudyEvent> WorkerLost(StudyState state, int number, int dispatch, string reason, DateTimeOffset now) =>
        state.IsCurrentDispatch(number, dispatch)
            ? new IStudyEvent[] { new TrialRequeued(number, reason, now) }
            : Array.Empty<IStudyEvent>();

    /// <summary>
    /// An operator's stop: unfinished trials are cancelled (a state of their own, not failures: nothing went wrong
    /// with them), then the study finishes.
    /// </summary>
    public static IReadOnlyList<IStudyEvent> Stop(StudyState state, string reason, DateTimeOffset now)
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
