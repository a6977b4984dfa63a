using static HyperTune.Cluster.Studies.StudyEvents;

namespace HyperTune.Cli.Commands.Bench;

/// <summary>
/// A study's use of its worker slots, rebuilt from its journal alone: every run piece of every trial (a paused and
/// resumed trial has one per run), the study's busy slot time and wall time, and how long a slot freed by an ending
/// run stayed idle before the next run took it.
/// </summary>
/// <remarks>
/// Starts are the workers' own times (<c>TrialExecutionStarted.At</c>); ends are the coordinator's times of the
/// ending events, at or a little after the worker released its slot (a prune or a decided pause is stamped when
/// decided, before the worker stops: the stop itself then counts as idle). A freed slot is matched to the next
/// start on its node in first-freed, first-taken order, as the node's slot limiter grants them.
/// </remarks>
internal sealed class LifecycleTimeline
{
    /// <summary>Every run piece, ordered by start.</summary>
    public required IReadOnlyList<RunPiece> Pieces { get; init; }

    /// <summary>Trials the study started.</summary>
    public required int Trials { get; init; }

    /// <summary>Intermediate reports recorded (steps run, each counted once).</summary>
    public required long StepsReported { get; init; }

    /// <summary>Times a paused trial was resumed.</summary>
    public required int Resumes { get; init; }

    /// <summary>
    /// For each completed run whose result the coordinator followed with a new or resumed trial in the same write,
    /// the milliseconds from the worker's finish to that trial's start (the coordinator's clock): how long results
    /// waited for the coordinator.
    /// </summary>
    public required IReadOnlyList<double> CompletionReactions { get; init; }

    /// <summary>The first start of a run.</summary>
    public DateTimeOffset? FirstStart => Pieces.Count == 0 ? null : Pieces.Min(p => p.Start);

    /// <summary>The last end of a run.</summary>
    public DateTimeOffset? LastEnd => Pieces.Count == 0 ? null : Pieces.Max(p => p.End);

    /// <summary>From the first start to the last end.</summary>
    public TimeSpan Wall => Pieces.Count == 0 ? TimeSpan.Zero : LastEnd!.Value - FirstStart!.Value;

    /// <summary>Slot time spent running trials: the sum of the pieces' durations.</summary>
    public TimeSpan Busy => TimeSpan.FromTicks(Pieces.Sum(p => p.Duration.Ticks));

    /// <summary>Busy slot time over <paramref name="slots"/> times the wall time; NaN without a run.</summary>
    public double Utilization(int slots) =>
        Wall > TimeSpan.Zero ? Busy.TotalSeconds / (slots * Wall.TotalSeconds) : double.NaN;

    /// <summary>
    /// For each run that ended by <paramref name="endedBy"/> (all runs when null) and whose slot was taken again, the
    /// milliseconds from its end to the start of the run that took its slot.
    /// </summary>
    public IReadOnlyList<double> Handovers(int slots, string? endedBy = null) =>
        MatchHandovers(slots).Where(h => endedBy is null || h.Freed.EndedBy == endedBy)
            .Select(h => (h.TakenAt - h.Freed.End).TotalMilliseconds).ToList();

    /// <summary>
    /// Starts that found no slot freed before them on their node beyond <paramref name="slots"/>: more runs at once
    /// than slots, by the records (0 when the records are consistent).
    /// </summary>
    public int Overlaps(int slots)
    {
        MatchHandovers(slots, out var overlaps);
        return overlaps;
    }

    /// <summary>
    /// Where the idle slot time (slots x wall - busy) went: slots not yet used after the first start (ramp-up),
    /// freed slots waiting for the next run (handover, by how the run ended), and freed slots that no run took again
    /// before the last end (tail). Without overlaps the parts add up to the idle time exactly.
    /// </summary>
    public IdleTime Idle(int slots)
    {
        var matched = MatchHandovers(slots, out _, out var rampUp, out var tail);
        var handover = matched.GroupBy(h => h.Freed.EndedBy).ToDictionary(g => g.Key,
            g => TimeSpan.FromTicks(g.Sum(h => (h.TakenAt - h.Freed.End).Ticks)));
        return new IdleTime(rampUp, handover, tail);
    }

    private List<(RunPiece Freed, DateTimeOffset TakenAt)> MatchHandovers(int slots) => MatchHandovers(slots, out _);

    private List<(RunPiece Freed, DateTimeOffset TakenAt)> MatchHandovers(int slots, out int overlaps) =>
        MatchHandovers(slots, out overlaps, out _, out _);

    private List<(RunPiece Freed, DateTimeOffset TakenAt)> MatchHandovers(int slots, out int overlaps,
        out TimeSpan rampUp, out TimeSpan tail)
    {
        overlaps = 0;
        rampUp = TimeSpan.Zero;
        tail = TimeSpan.Zero;
        var first = FirstStart ?? default;
        var last = LastEnd ?? default;
        var matched = new List<(RunPiece, DateTimeOffset)>();
        // Per node: slots never used yet (initially all), then slots freed by runs in the order they were freed.
        var neverUsed = new Dictionary<string, int>(StringComparer.Ordinal);
        var freed = new Dictionary<string, Queue<RunPiece>>(StringComparer.Ordinal);
        // At equal times an end comes first: the slot it frees may be the one the start takes.
        var moments = Pieces.Select(p => (At: p.End, IsStart: false, Piece: p))
            .Concat(Pieces.Select(p => (At: p.Start, IsStart: true, Piece: p)))
            .OrderBy(m => m.At).ThenBy(m => m.IsStart);
        foreach (var (at, isStart, piece) in moments)
        {
            var queue = freed.TryGetValue(piece.Node, out var q) ? q : freed[piece.Node] = new Queue<RunPiece>();
            if (!isStart)
            {
                queue.Enqueue(piece);
                continue;
            }
            var unused = neverUsed.TryGetValue(piece.Node, out var n) ? n : slots;
            if (unused > 0)
            {
                neverUsed[piece.Node] = unused - 1;
                rampUp += at - first;
            }
            else if (queue.TryDequeue(out var previous)) matched.Add((previous, at));
            else overlaps++;
        }
        foreach (var queue in freed.Values)
            foreach (var piece in queue)
                tail += last - piece.End;
        // Slots of a node never used at all idle from the first start to the last end.
        foreach (var node in freed.Keys)
            rampUp += (last - first) * (neverUsed.TryGetValue(node, out var n) ? n : slots);
        return matched;
    }

    /// <summary>Rebuilds the timeline from a study's events in journal order.</summary>
    public static LifecycleTimeline FromEvents(IEnumerable<IStudyEvent> events)
    {
        var pieces = new List<RunPiece>();
        var nodeOf = new Dictionary<(int Number, int Dispatch), string>();
        var current = new Dictionary<int, int>();
        var open = new Dictionary<int, (int Dispatch, DateTimeOffset Start)>();
        int trials = 0, resumes = 0;
        long steps = 0;
        var reactions = new List<double>();
        TrialCompleted? justCompleted = null;

        void Close(int number, DateTimeOffset at, string endedBy)
        {
            if (!open.Remove(number, out var run)) return;
            pieces.Add(new RunPiece(number, run.Dispatch, nodeOf[(number, run.Dispatch)], run.Start, at, endedBy));
        }

        foreach (var e in events)
        {
            // The trial started (or resumed) right after a completion was planned with it, in one write.
            if (justCompleted is not null && e is TrialStarted or TrialResumed)
            {
                var at = e is TrialStarted started ? started.At : ((TrialResumed)e).At;
                reactions.Add((at - justCompleted.At).TotalMilliseconds);
            }
            justCompleted = e as TrialCompleted;
            switch (e)
            {
                case TrialStarted:
                    trials++;
                    break;
                case TrialDispatched d:
                    // A new dispatch while one still runs supersedes it (its node was lost or did not answer).
                    Close(d.Number, d.At, "superseded");
                    nodeOf[(d.Number, d.Dispatch)] = d.NodeKey;
                    current[d.Number] = d.Dispatch;
                    break;
                case TrialExecutionStarted x when current.GetValueOrDefault(x.Number) == x.Dispatch
                                                 && !open.ContainsKey(x.Number):
                    open[x.Number] = (x.Dispatch, x.At);
                    break;
                case TrialReported:
                    steps++;
                    break;
                case TrialResumed:
                    resumes++;
                    break;
                case TrialCompleted c: Close(c.Number, c.At, "completed"); break;
                // A paused trial pruned at the end of its rung holds no slot: no piece is open, nothing closes.
                case TrialPruned p: Close(p.Number, p.At, "pruned"); break;
                case TrialPaused p: Close(p.Number, p.At, "paused"); break;
                case TrialFailed f: Close(f.Number, f.At, "failed"); break;
                case TrialRequeued q: Close(q.Number, q.At, "requeued"); break;
                case TrialCancelled c: Close(c.Number, c.At, "cancelled"); break;
            }
        }
        return new LifecycleTimeline
        {
            Pieces = pieces.OrderBy(p => p.Start).ToList(),
            Trials = trials,
            StepsReported = steps,
            Resumes = resumes,
            CompletionReactions = reactions,
        };
    }
}
