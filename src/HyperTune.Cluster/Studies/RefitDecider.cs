using System.Collections.Immutable;
using HyperTune.Cluster.Workers;
using HyperTune.Core.Studies;
using static HyperTune.Cluster.Studies.StudyEvents;

namespace HyperTune.Cluster.Studies;

/// <summary>
/// Decides a study's refit (<see cref="StudyRefit"/>): when to ask for it, which node trains it, and what a
/// worker's answer or loss does to it. Pure, as <see cref="StudyDecider"/> is: the coordinator persists the events
/// before it acts on them, so a recovered coordinator knows whether the refit is waiting, running where, or done.
/// </summary>
public static class RefitDecider
{
    /// <summary>Why a refit asked for by the study's end was asked for.</summary>
    public const string StudyFinishedReason = "the study finished";

    /// <summary>
    /// An operator asks for the refit of the study's best trial now (again, if done before): nothing when a refit of
    /// that trial is waiting or running already.
    /// </summary>
    /// <exception cref="InvalidOperationException">The study has no single best trial to refit.</exception>
    public static IReadOnlyList<IStudyEvent> Request(StudyState state, string reason, DateTimeOffset now)
    {
        var best = BestToRefit(state) ?? throw new InvalidOperationException(state.Spec.Objective.IsMultiObjective
            ? $"study {state.StudyId} has several objectives: there is no single best trial to refit"
            : $"study {state.StudyId} has no completed trial to refit");
        return state.Refit is { IsFinished: false } r && r.Trial == best
            ? Array.Empty<IStudyEvent>()
            : new IStudyEvent[] { new RefitRequested(best, reason, now) };
    }

    /// <summary>
    /// What a planning round does for the refit: asks for it when the study has finished and
    /// <paramref name="whenFinished"/> (once per finish: a refit done, failed or asked for stays until an operator
    /// asks again or a larger budget reopens the study and it finishes again), and sends a waiting refit to the worker
    /// node with the most free slots, other than those where an attempt failed while there are others (none free: it
    /// waits).
    /// </summary>
    /// <param name="state">The study.</param>
    /// <param name="workers">Worker nodes that may take it.</param>
    /// <param name="whenFinished">Whether the study's end asks for it (its trainable makes a model, and the node's
    /// <c>refit-when-finished</c> is on).</param>
    /// <param name="now">The time stamped on the events.</param>
    public static IReadOnlyList<IStudyEvent> Plan(StudyState state, IReadOnlyList<WorkerNode> workers,
        bool whenFinished, DateTimeOffset now)
    {
        var events = new List<IStudyEvent>();
        var refit = state.Refit;
        // Asked for again when the study finished once more since (a larger budget reopened it): its best may differ.
        var finishedSince = refit is null || refit.IsFinished && refit.RequestedAt < state.FinishedAt;
        if (finishedSince && whenFinished && state.Status == StudyStatus.Finished && BestToRefit(state) is { } best)
        {
            events.Add(new RefitRequested(best, StudyFinishedReason, now));
            refit = new StudyRefit(best, RefitStatus.Waiting, refit?.Dispatch ?? 0, null, now);
        }
        if (refit is not { Status: RefitStatus.Waiting }) return events;
        var own = state.RunningDispatches().GroupBy(d => d.NodeKey).ToDictionary(g => g.Key, g => g.Count());
        // Not where an attempt failed before, while another node can take it.
        var untried = workers.Where(w => !refit.FailedNodes.Contains(w.NodeKey)).ToList();
        if (new WorkerPlacement(untried.Count > 0 ? untried : workers, state.StudyId, own).Next() is { } node)
            events.Add(new RefitDispatched(refit.Dispatch + 1, node, now));
        return events;
    }

    /// <summary>
    /// The worker of the refit's dispatch <paramref name="dispatch"/> answered: its model and test scores, or why it
    /// failed (tried again until <paramref name="maxFailures"/> attempts failed). Nothing for a dispatch no longer
    /// current (an answer delivered twice, or from an attempt given up on).
    /// </summary>
    public static IReadOnlyList<IStudyEvent> Result(StudyState state, int dispatch,
        IReadOnlyDictionary<string, double> testMetrics, int trainRows, int testRows, string? modelPath,
        string? failure, int maxFailures, DateTimeOffset now)
    {
        if (!IsCurrent(state, dispatch)) return Array.Empty<IStudyEvent>();
        return failure is null
            ? new IStudyEvent[]
            {
                new RefitCompleted(dispatch, testMetrics.ToImmutableDictionary(), trainRows, testRows, modelPath, now),
            }
            : Failed(state, dispatch, failure, maxFailures, now);
    }

    /// <summary>The refit's worker went away without an answer: it is tried again, as after a failure.</summary>
    public static IReadOnlyList<IStudyEvent> WorkerLost(StudyState state, int dispatch, string reason,
        int maxFailures, DateTimeOffset now) =>
        IsCurrent(state, dispatch) ? Failed(state, dispatch, reason, maxFailures, now) : Array.Empty<IStudyEvent>();

    /// <summary>True when <paramref name="dispatch"/> is the refit's running dispatch.</summary>
    public static bool IsCurrent(StudyState state, int dispatch) =>
        state.Refit is { Status: RefitStatus.Running } r && r.Dispatch == dispatch;

    private static IReadOnlyList<IStudyEvent> Failed(StudyState state, int dispatch, string reason, int maxFailures,
        DateTimeOffset now) =>
        new IStudyEvent[] { new RefitFailed(dispatch, reason, state.Refit!.FailedAttempts + 1 >= maxFailures, now) };

    /// <summary>The trial a refit trains: the study's best, when it has a single one.</summary>
    private static int? BestToRefit(StudyState state) =>
        state.Spec.Objective.IsMultiObjective ? null : state.Best?.Number;
}
