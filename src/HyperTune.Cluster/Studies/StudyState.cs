using System.Collections.Immutable;
using System.Globalization;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;
using static HyperTune.Cluster.Studies.StudyEvents;

namespace HyperTune.Cluster.Studies;

/// <summary>
/// A study's state: its spec, budget, status and every trial. Immutable; <see cref="Apply"/> is the only way it
/// changes, and is used both while running and when recovering from the journal, so both paths agree exactly.
/// </summary>
public sealed record StudyState
{
    /// <summary>The study id.</summary>
    public required string StudyId { get; init; }

    /// <summary>The spec's source text, as persisted.</summary>
    public required string SpecJson { get; init; }

    /// <summary>The parsed spec (derived from <see cref="SpecJson"/>, never persisted itself).</summary>
    public required StudySpec Spec { get; init; }

    /// <summary>When the study was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>
    /// Tells this study apart from earlier ones stored under the same id (in another store, or in memory): its creation
    /// time, UTC, to the millisecond. Trial checkpoints live under it, so a new study never resumes an old one's.
    /// </summary>
    public string Incarnation => CreatedAt.UtcDateTime.ToString("yyyyMMdd'-'HHmmss'-'fff", CultureInfo.InvariantCulture);

    /// <summary>The effective trial budget.</summary>
    public required int MaxTrials { get; init; }

    /// <summary>The effective parallelism.</summary>
    public required int Parallelism { get; init; }

    /// <summary>Running or finished.</summary>
    public StudyStatus Status { get; init; } = StudyStatus.Running;

    /// <summary>Why an operator held the study (<see cref="StudyPaused"/>), while it is held; null otherwise.</summary>
    public string? PauseReason { get; init; }

    /// <summary>Whether an operator held the study: nothing new starts until it is resumed.</summary>
    public bool IsPaused => PauseReason is not null;

    /// <summary>Why the study finished.</summary>
    public string? FinishReason { get; init; }

    /// <summary>When the study finished.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Every trial; the list index is the trial number.</summary>
    public ImmutableList<TrialRecord> Trials { get; init; } = ImmutableList<TrialRecord>.Empty;

    /// <summary>The worker node of each dispatched, unfinished trial (by trial number).</summary>
    public ImmutableDictionary<int, string> RunningOn { get; init; } = ImmutableDictionary<int, string>.Empty;

    /// <summary>The last dispatch number used for each trial (dispatches count 1, 2, ...).</summary>
    public ImmutableDictionary<int, int> LastDispatch { get; init; } = ImmutableDictionary<int, int>.Empty;

    /// <summary>
    /// Dispatched trials whose current dispatch has begun running on its worker (the others are queued there for
    /// a slot). Not in snapshots: after a recovery from one, workers report again what runs.
    /// </summary>
    public ImmutableHashSet<int> Executing { get; init; } = ImmutableHashSet<int>.Empty;

    /// <summary>Configurations enqueued by operators and not started yet, in order (they start before suggestions).
    /// </summary>
    public ImmutableList<Core.Spaces.Configuration> Enqueued { get; init; } =
        ImmutableList<Core.Spaces.Configuration>.Empty;

    /// <summary>The attribute that marks a trial started from an enqueued configuration.</summary>
    public const string EnqueuedAttribute = "enqueued";

    /// <summary>
    /// Numbers of the trials waiting for a worker, ascending. Kept up to date by every change of a trial's state (as
    /// are <see cref="PausedTrials"/> and <see cref="Active"/>), so planning a trial never scans the whole study.
    /// </summary>
    public ImmutableSortedSet<int> WaitingTrials { get; private init; } = ImmutableSortedSet<int>.Empty;

    /// <summary>Numbers of the paused trials, ascending.</summary>
    public ImmutableSortedSet<int> PausedTrials { get; private init; } = ImmutableSortedSet<int>.Empty;

    /// <summary>Trials suggested and not yet finished (Running or Waiting): these count against parallelism.</summary>
    public int Active => Counts.Waiting + Counts.Running;

    /// <summary>Trials by state and the steps they reported, kept up to date like the indexes above.</summary>
    public TrialCounts Counts { get; private init; }

    /// <summary>
    /// The number of the best completed trial by the first objective (<see cref="TrialHistory.Best"/>: feasible
    /// first, then lowest loss, ties to the earlier trial), or -1; kept up to date like the indexes above.
    /// </summary>
    public int BestNumber { get; private init; } = -1;

    /// <summary>The best completed trial by the first objective (<see cref="BestNumber"/>), or null.</summary>
    public TrialRecord? Best => BestNumber >= 0 ? Trials[BestNumber] : null;

    /// <summary>True once some trial was exploited (population-based training): its lineage is not empty.</summary>
    public bool AnyExploited { get; private init; }

    /// <summary>True once some trial started with an evolutionary generation attribute.</summary>
    public bool AnyGeneration { get; private init; }

    private const string GenerationAttribute = Core.Optimizers.Evolution.EvolutionOptimizer.GenerationAttribute;

    /// <summary>
    /// The parts of unfinished trials that run as several (<see cref="TrialPartsSet"/>), by trial number; a trial's
    /// entry goes when it finishes (a completed trial's metrics hold its parts' results).
    /// </summary>
    public ImmutableDictionary<int, ImmutableList<TrialPart>> Parts { get; init; } =
        ImmutableDictionary<int, ImmutableList<TrialPart>>.Empty;

    /// <summary>Parts waiting for a worker, as (trial, part), ascending.</summary>
    public ImmutableSortedSet<(int Number, int Part)> WaitingParts { get; private init; } =
        ImmutableSortedSet<(int, int)>.Empty;

    /// <summary>How many parts run on workers now (dispatched, without a result).</summary>
    public int RunningParts { get; private init; }

    /// <summary>The study's refit (its final model), once asked for; null before.</summary>
    public StudyRefit? Refit { get; init; }

    /// <summary>How often each trial lost its worker and was requeued.</summary>
    public ImmutableDictionary<int, int> Requeues { get; init; } = ImmutableDictionary<int, int>.Empty;

    /// <summary>Reason a study finishes when its trial budget is spent.</summary>
    public const string BudgetReached = "trial budget reached";

    /// <summary>The state a <see cref="StudyCreated"/> event starts.</summary>
    /// <exception cref="SpecException">The persisted spec no longer parses.</exception>
    public static StudyState Create(StudyCreated e)
    {
        // Unlimited: a stored spec must load even after a node's hypertune.limits were lowered.
        var spec = StudySpecParser.Parse(e.SpecJson, SpecLimits.Unlimited);
        return new StudyState
        {
            StudyId = e.StudyId,
            SpecJson = e.SpecJson,
            Spec = spec,
            CreatedAt = e.At,
            MaxTrials = spec.Budget.MaxTrials,
            Parallelism = spec.Budget.Parallelism,
        };
    }

    /// <summary>Applies an event (never <see cref="StudyCreated"/>, which <see cref="Create"/> handles).</summary>
    public StudyState Apply(IStudyEvent e)
    {
        var applied = ApplyToTrials(e);
        if (!applied.Parts.IsEmpty) applied = applied.ApplyToParts(e);
        // A trial dispatched again, finished or requeued no longer runs on a worker.
        var number = NumberOf(e);
        return applied.Executing.Contains(number) ? applied with { Executing = applied.Executing.Remove(number) } : applied;
    }

    /// <summary>The trial a dispatch-ending event is about, or -1.</summary>
    private static int NumberOf(IStudyEvent e) => e switch
    {
        TrialDispatched d => d.Number,
        TrialCompleted c => c.Number,
        TrialFailed f => f.Number,
        TrialRequeued q => q.Number,
        TrialPruned p => p.Number,
        TrialCancelled c => c.Number,
        TrialPaused p => p.Number,
        _ => -1,
    };

    private StudyState ApplyToTrials(IStudyEvent e) => e switch
    {
        StudyBudgetChanged b => ChangeBudget(b),
        TrialEnqueued q => this with { Enqueued = Enqueued.Add(q.Params) },
        TrialStarted s => s.Number == Trials.Count
            ? Started(new TrialRecord(s.Number, TrialState.Waiting, s.Params)
            {
                Attributes = s.Attributes,
                StartedAt = s.At,
            })
            : throw new InvalidOperationException($"trial {s.Number} started out of order (next is {Trials.Count})"),
        TrialDispatched d => Update(d.Number, t => t with { State = TrialState.Running }) with
        {
            RunningOn = RunningOn.SetItem(d.Number, d.NodeKey),
            LastDispatch = LastDispatch.SetItem(d.Number, d.Dispatch),
        },
        TrialExecutionStarted x => IsCurrentDispatch(x.Number, x.Dispatch) && !Executing.Contains(x.Number)
            ? Update(x.Number, t => t with { StartedAt = x.At }) with { Executing = Executing.Add(x.Number) }
            : this,
        TrialReported r => Update(r.Number, t => t with { Intermediate = t.Intermediate.Add(new IntermediateValue(r.Step, r.Value)) }),
        TrialCompleted c => Update(c.Number, t => t with { State = TrialState.Complete, Value = c.Value, Metrics = c.Metrics, FinishedAt = c.At }) with
        {
            RunningOn = RunningOn.Remove(c.Number),
        },
        TrialFailed f => Update(f.Number, t => t with
        {
            State = f.Final ? TrialState.Failed : TrialState.Waiting,
            FailedAttempts = t.FailedAttempts + 1,
            FailureReason = f.Reason,
            FinishedAt = f.Final ? f.At : null,
        }) with { RunningOn = RunningOn.Remove(f.Number) },
        TrialRequeued q => Update(q.Number, t => t with { State = TrialState.Waiting }) with
        {
            RunningOn = RunningOn.Remove(q.Number),
            Requeues = Requeues.SetItem(q.Number, Requeues.GetValueOrDefault(q.Number) + 1),
        },
        TrialPruned p => Update(p.Number, t => t with { State = TrialState.Pruned, Value = p.Value, FinishedAt = p.At }) with
        {
            RunningOn = RunningOn.Remove(p.Number),
        },
        TrialStopAtStepSet m => Update(m.Number, t => t with { StopAtStep = m.StopAtStep }),
        // A paused trial runs nowhere and holds no slot; its checkpoint stays for a resume.
        TrialPaused p => Update(p.Number, t => t with { State = TrialState.Paused }) with
        {
            RunningOn = RunningOn.Remove(p.Number),
        },
        TrialResumed r => Update(r.Number, t => t.State == TrialState.Paused
            ? t with { State = TrialState.Waiting, StopAtStep = r.StopAtStep }
            : throw new InvalidOperationException($"trial {r.Number} resumed while {t.State}")),
        TrialExploited x => Update(x.Number, t => t.State == TrialState.Paused
            ? t with
            {
                Params = x.Params, Lineage = t.Lineage.Add(new LineageEntry(x.Step, x.Donor, t.Params, x.Params)),
            }
            : throw new InvalidOperationException($"trial {x.Number} exploited while {t.State}")),
        TrialCancelled c => Update(c.Number, t => t with
        {
            State = TrialState.Cancelled, FailureReason = c.Reason, FinishedAt = c.At,
        }) with
        {
            RunningOn = RunningOn.Remove(c.Number),
        },
        TrialPartsSet p => Trials[p.Number].State == TrialState.Waiting && !Parts.ContainsKey(p.Number) && p.Parts > 1
            ? this with
            {
                Parts = Parts.SetItem(p.Number, Enumerable.Repeat(TrialPart.Waiting, p.Parts).ToImmutableList()),
                WaitingParts = WaitingParts.Union(Enumerable.Range(0, p.Parts).Select(i => (p.Number, i))),
            }
            : throw new InvalidOperationException($"trial {p.Number} cannot be split into {p.Parts} parts now"),
        // A part's dispatch: the trial runs once any part does.
        TrialPartDispatched d => SetPart(d.Number, d.Part, new TrialPart(d.Dispatch, d.NodeKey, null))
            .Update(d.Number, t => t.State == TrialState.Waiting ? t with { State = TrialState.Running } : t) with
            {
                LastDispatch = LastDispatch.SetItem(d.Number,
                    Math.Max(d.Dispatch, LastDispatch.GetValueOrDefault(d.Number))),
            },
        TrialPartCompleted c => SetPart(c.Number, c.Part,
            Parts[c.Number][c.Part] with { NodeKey = null, Metrics = c.Metrics }),
        TrialPartRequeued q => SetPart(q.Number, q.Part, Parts[q.Number][q.Part] with { NodeKey = null }) with
        {
            Requeues = Requeues.SetItem(q.Number, Requeues.GetValueOrDefault(q.Number) + 1),
        },
        StudyFinished f => this with { Status = StudyStatus.Finished, FinishReason = f.Reason, FinishedAt = f.At },
        RefitRequested r => r.Trial >= 0 && r.Trial < Trials.Count && Trials[r.Trial].State == TrialState.Complete
            ? this with { Refit = new StudyRefit(r.Trial, RefitStatus.Waiting, Refit?.Dispatch ?? 0, null, r.At)
            {
                Reason = r.Reason,
            } }
            : throw new InvalidOperationException($"trial {r.Trial} is not a completed trial to refit"),
        RefitDispatched d => this with
        {
            Refit = RefitOrThrow(d) with { Status = RefitStatus.Running, Dispatch = d.Dispatch, NodeKey = d.NodeKey },
        },
        RefitCompleted c => this with
        {
            Refit = RefitOrThrow(c) with
            {
                Status = RefitStatus.Complete, TestMetrics = c.TestMetrics, TrainRows = c.TrainRows,
                TestRows = c.TestRows, ModelPath = c.ModelPath, FinishedAt = c.At, FailureReason = null,
            },
        },
        RefitFailed f => this with
        {
            Refit = RefitOrThrow(f) with
            {
                Status = f.Final ? RefitStatus.Failed : RefitStatus.Waiting,
                NodeKey = f.Final ? Refit!.NodeKey : null,
                FailedAttempts = Refit!.FailedAttempts + 1,
                FailedNodes = Refit.NodeKey is { } failedOn ? Refit.FailedNodes.Add(failedOn) : Refit.FailedNodes,
                FailureReason = f.Reason,
                FinishedAt = f.Final ? f.At : null,
            },
        },
        StudyPaused p => this with { PauseReason = p.Reason },
        StudyResumed => this with { PauseReason = null },
        StudyCreated => throw new InvalidOperationException("the study already exists"),
        _ => throw new ArgumentException($"unknown study event {e.GetType().Name}"),
    };

    private StudyRefit RefitOrThrow(IStudyEvent e) =>
        Refit ?? throw new InvalidOperationException($"{e.GetType().Name} without a refit asked for");

    /// <summary>
    /// The trial whose attempt <paramref name="e"/> ends (it completes, fails, is pruned or cancelled), or -1: the
    /// parts of a trial in parts that still run then stop.
    /// </summary>
    internal static int AttemptEndedBy(IStudyEvent e) => e switch
    {
        TrialCompleted c => c.Number,
        TrialFailed f => f.Number,
        TrialPruned p => p.Number,
        TrialCancelled c => c.Number,
        _ => -1,
    };

    /// <summary>Replaces a part, keeping the indexes of waiting and running parts in step.</summary>
    private StudyState SetPart(int number, int part, TrialPart after)
    {
        if (!Parts.TryGetValue(number, out var parts) || part < 0 || part >= parts.Count)
            throw new InvalidOperationException($"trial {number} has no part {part}");
        var before = parts[part];
        var waitingBefore = !before.IsDone && !before.IsRunning;
        var waitingAfter = !after.IsDone && !after.IsRunning;
        return this with
        {
            Parts = Parts.SetItem(number, parts.SetItem(part, after)),
            WaitingParts = waitingBefore == waitingAfter ? WaitingParts
                : waitingAfter ? WaitingParts.Add((number, part)) : WaitingParts.Remove((number, part)),
            RunningParts = RunningParts - (before.IsRunning ? 1 : 0) + (after.IsRunning ? 1 : 0),
        };
    }

    /// <summary>
    /// What a trial's end or failed attempt does to its parts: a finished trial's go (their workers are cancelled by
    /// the coordinator); a failed attempt to be retried sends its running parts back to wait, its done parts stay.
    /// </summary>
    private StudyState ApplyToParts(IStudyEvent e)
    {
        var number = AttemptEndedBy(e);
        if (number < 0 || !Parts.TryGetValue(number, out var parts)) return this;
        if (Trials[number].State.IsFinished())
            return this with
            {
                Parts = Parts.Remove(number),
                WaitingParts = WaitingParts.Except(Enumerable.Range(0, parts.Count).Select(i => (number, i))),
                RunningParts = RunningParts - parts.Count(p => p.IsRunning),
            };
        var s = this;
        for (var i = 0; i < parts.Count; i++)
            if (parts[i].IsRunning) s = s.SetPart(number, i, parts[i] with { NodeKey = null });
        return s;
    }

    /// <summary>A new trial, waiting for a worker, added with the indexes and counts that follow it.</summary>
    private StudyState Started(TrialRecord trial) => this with
    {
        WaitingTrials = WaitingTrials.Add(trial.Number),
        Counts = Counts.Changed(null, trial),
        AnyGeneration = AnyGeneration || trial.Attributes.ContainsKey(GenerationAttribute),
        Trials = Trials.Add(trial),
        // An enqueued configuration is used up by the trial that starts from it.
        Enqueued = trial.Attributes.ContainsKey(EnqueuedAttribute) && !Enqueued.IsEmpty
            ? Enqueued.RemoveAt(0)
            : Enqueued,
    };

    private StudyState ChangeBudget(StudyBudgetChanged b)
    {
        var changed = this with { MaxTrials = b.MaxTrials, Parallelism = b.Parallelism };
        // More budget reopens a study that had only run out of it.
        var reopen = Status == StudyStatus.Finished && FinishReason == BudgetReached && b.MaxTrials > Trials.Count;
        return reopen ? changed with { Status = StudyStatus.Running, FinishReason = null, FinishedAt = null } : changed;
    }

    private StudyState Update(int number, Func<TrialRecord, TrialRecord> change)
    {
        if (number < 0 || number >= Trials.Count)
            throw new InvalidOperationException($"no trial {number} in study {StudyId}");
        var before = Trials[number];
        var after = change(before);
        var updated = this with
        {
            Trials = Trials.SetItem(number, after),
            Counts = Counts.Changed(before, after),
            AnyExploited = AnyExploited || !after.Lineage.IsEmpty,
        };
        updated = before.State == after.State ? updated : updated.Moved(number, before.State, after.State);
        return updated.WithBestAfter(before, after);
    }

    /// <summary>
    /// Keeps <see cref="BestNumber"/> in step with a trial that changed: a trial that completes is compared with the
    /// best so far; the best itself changing, or a value that does not compare (NaN), takes a scan.
    /// </summary>
    private StudyState WithBestAfter(TrialRecord before, TrialRecord after)
    {
        var was = IsScored(before);
        var isScored = IsScored(after);
        if (!was && !isScored) return this;
        var number = after.Number;
        var scores = Spec.Objective.History(ImmutableList<TrialRecord>.Empty);
        if (number == BestNumber)
            return isScored && scores.Loss(before).Equals(scores.Loss(after))
                            && scores.Violation(before).Equals(scores.Violation(after))
                ? this : this with { BestNumber = ScanBest() };
        if (!isScored) return this;
        if (BestNumber < 0) return this with { BestNumber = number };
        var best = Trials[BestNumber];
        double loss = scores.Loss(after), bestLoss = scores.Loss(best);
        double violation = scores.Violation(after), bestViolation = scores.Violation(best);
        if (double.IsNaN(loss) || double.IsNaN(bestLoss) || double.IsNaN(violation) || double.IsNaN(bestViolation))
            return this with { BestNumber = ScanBest() };
        var better = violation < bestViolation
                     || (violation == bestViolation && (loss < bestLoss || (loss == bestLoss && number < BestNumber)));
        return better ? this with { BestNumber = number } : this;
    }

    private static bool IsScored(TrialRecord t) => t.State == TrialState.Complete && t.Value is not null;

    private int ScanBest() => History.Best?.Number ?? -1;

    /// <summary>Keeps the indexes of trials by state in step with a trial that moved from one state to another.
    /// </summary>
    private StudyState Moved(int number, TrialState from, TrialState to) => this with
    {
        WaitingTrials = from == TrialState.Waiting ? WaitingTrials.Remove(number)
            : to == TrialState.Waiting ? WaitingTrials.Add(number) : WaitingTrials,
        PausedTrials = from == TrialState.Paused ? PausedTrials.Remove(number)
            : to == TrialState.Paused ? PausedTrials.Add(number) : PausedTrials,
    };

    /// <summary>The history the optimizer sees.</summary>
    public TrialHistory History => Spec.Objective.History(Trials);

    /// <summary>True when the trial is unfinished and <paramref name="dispatch"/> is its current dispatch.</summary>
    /// <remarks>For a trial in parts: when a part runs as that dispatch.</remarks>
    public bool IsCurrentDispatch(int number, int dispatch) =>
        number >= 0 && number < Trials.Count && Trials[number].State == TrialState.Running
        && (Parts.TryGetValue(number, out var parts)
            ? parts.Any(p => p.IsRunning && p.Dispatch == dispatch)
            : LastDispatch.GetValueOrDefault(number) == dispatch);

    /// <summary>The running part of a trial in parts that runs as <paramref name="dispatch"/>, or null.</summary>
    public int? PartOf(int number, int dispatch)
    {
        if (!Parts.TryGetValue(number, out var parts)) return null;
        for (var i = 0; i < parts.Count; i++)
            if (parts[i].IsRunning && parts[i].Dispatch == dispatch) return i;
        return null;
    }

    /// <summary>
    /// Every dispatch running on a worker now: whole trials (<see cref="RunningOn"/>) and parts, as (trial,
    /// dispatch, node).
    /// </summary>
    public IEnumerable<(int Number, int Dispatch, string NodeKey)> RunningDispatches()
    {
        foreach (var (number, node) in RunningOn) yield return (number, LastDispatch[number], node);
        foreach (var (number, parts) in Parts)
            foreach (var part in parts)
                if (part.IsRunning) yield return (number, part.Dispatch, part.NodeKey!);
    }

    /// <summary>The node a current dispatch runs on, or null.</summary>
    public string? NodeOf(int number, int dispatch) =>
        PartOf(number, dispatch) is { } part ? Parts[number][part].NodeKey
        : IsCurrentDispatch(number, dispatch) ? RunningOn.GetValueOrDefault(number)
        : null;

    /// <summary>Counts, best trial and status for watchers.</summary>
    /// <remarks>Costs the same whatever the study's size (but a multi-objective study's front).</remarks>
    public StudyProgress Progress()
    {
        var c = Counts;
        // Executing holds at most the trials running now, not the whole study.
        var running = 0;
        foreach (var number in Executing)
            if (Trials[number].State == TrialState.Running) running++;
        var best = Best;
        var front = Spec.Objective.IsMultiObjective
            ? History.ParetoFront.Select(t => new TrialSummary(t.Number, t.Value!.Value, t.Params)
            {
                Values = Spec.Objective.Metrics.ToImmutableDictionary(m => m.Name, m => t.Metrics[m.Name]),
            }).ToList()
            : null;
        return new StudyProgress(StudyId, Spec.Name, Status, FinishReason, Spec.Objective.Direction, Spec.Objective.Metric,
            MaxTrials, Parallelism, c.Complete, c.Failed, c.Pruned, running, c.Waiting,
            best is null ? null : new TrialSummary(best.Number, best.Value!.Value, best.Params), CreatedAt, FinishedAt)
        {
            Cancelled = c.Cancelled,
            Queued = c.Running - running,
            Paused = c.Paused,
            Steps = c.Steps,
            Objectives = Spec.Objective.IsMultiObjective ? Spec.Objective.Metrics : null,
            Constraints = Spec.Objective.Constraints.IsEmpty ? null : Spec.Objective.Constraints,
            Front = front,
            PauseReason = PauseReason,
            Refit = Refit,
        };
    }

    /// <summary>What a snapshot stores.</summary>
    public StudySnapshot ToSnapshot() => new(StudyId, SpecJson, CreatedAt, MaxTrials, Parallelism, Status, FinishReason, FinishedAt,
        Trials, RunningOn, LastDispatch, Requeues) {
            Enqueued = Enqueued, PauseReason = PauseReason, Parts = Parts, Refit = Refit,
        };

    /// <summary>Rebuilds the state from a snapshot.</summary>
    public static StudyState FromSnapshot(StudySnapshot s) => new StudyState
    {
        StudyId = s.StudyId,
        SpecJson = s.SpecJson,
        Spec = StudySpecParser.Parse(s.SpecJson, SpecLimits.Unlimited),
        CreatedAt = s.CreatedAt,
        MaxTrials = s.MaxTrials,
        Parallelism = s.Parallelism,
        Status = s.Status,
        FinishReason = s.FinishReason,
        FinishedAt = s.FinishedAt,
        Trials = s.Trials,
        RunningOn = s.RunningOn,
        LastDispatch = s.LastDispatch,
        Requeues = s.Requeues,
        Enqueued = s.Enqueued,
        PauseReason = s.PauseReason,
        Parts = s.Parts,
        Refit = s.Refit,
    }.Indexed();

    /// <summary>The state with its indexes of trials by state built from <see cref="Trials"/>.</summary>
    private StudyState Indexed()
    {
        var waiting = ImmutableSortedSet.CreateBuilder<int>();
        var paused = ImmutableSortedSet.CreateBuilder<int>();
        foreach (var t in Trials)
        {
            if (t.State == TrialState.Waiting) waiting.Add(t.Number);
            else if (t.State == TrialState.Paused) paused.Add(t.Number);
        }
        var waitingParts = ImmutableSortedSet.CreateBuilder<(int, int)>();
        var runningParts = 0;
        foreach (var (number, parts) in Parts)
            for (var i = 0; i < parts.Count; i++)
            {
                if (parts[i].IsRunning) runningParts++;
                else if (!parts[i].IsDone) waitingParts.Add((number, i));
            }
        return this with
        {
            WaitingTrials = waiting.ToImmutable(), PausedTrials = paused.ToImmutable(),
            WaitingParts = waitingParts.ToImmutable(), RunningParts = runningParts,
            Counts = TrialCounts.Of(Trials), BestNumber = ScanBest(),
            AnyExploited = Trials.Any(t => !t.Lineage.IsEmpty),
            AnyGeneration = Trials.Any(t => t.Attributes.ContainsKey(GenerationAttribute)),
        };
    }
}
