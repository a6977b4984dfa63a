using Akka.Actor;
using HyperTune.Cluster.Studies;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;

namespace HyperTune.Cluster.Workers;

/// <summary>The conversation between a study coordinator and the trial workers running its trials.</summary>
public static class TrialWorkerProtocol
{
    /// <summary>Messages for a trial worker carry its entity id (see <see cref="TrialWorkerId"/>).</summary>
    public interface IWithWorkerId
    {
        /// <summary>The worker's entity id.</summary>
        string WorkerId { get; }
    }

    /// <summary>
    /// Runs (or, when already running, re-attaches to) one dispatch of a trial. Idempotent: a recovered coordinator
    /// re-sends it for every trial it believes running, and the worker answers with what it has.
    /// <paramref name="Incarnation"/> is the study's <see cref="StudyState.Incarnation"/>: the trial's checkpoints
    /// are kept in <c>{checkpoint-root}/{StudyId}/{Incarnation}/trial-{Number}</c>. <paramref name="RunSpec"/> is
    /// the part of the study spec a worker uses (not the whole spec, whose search space may be large); its size is
    /// bounded by <c>hypertune.limits.max-spec-bytes</c>, far below the remoting frame, so the message always fits.
    /// </summary>
    public sealed record RunTrial(
        string WorkerId,
        string StudyId,
        string Incarnation,
        int Number,
        int Dispatch,
        TrialRunSpec RunSpec,
        Configuration Params) : IWithWorkerId
    {
        /// <summary>
        /// The trial's last recorded step when it resumes from its checkpoint (after a pause, or after its node died),
        /// 0 for a fresh start. The trainable continues at the next step.
        /// </summary>
        public long ResumeStep { get; init; }

        /// <summary>
        /// The step after whose report this run pauses by itself (a rung milestone); null: run to the end.
        /// </summary>
        public long? StopAtStep { get; init; }

        /// <summary>
        /// Population-based training: the trial starts from this trial's checkpoint at <see cref="ResumeStep"/>
        /// (kept when it paused there, <see cref="KeepPauseCheckpoints"/>) instead of its own; null: its own.
        /// </summary>
        public int? RestoreFromTrial { get; init; }

        /// <summary>
        /// Keep a copy of the checkpoint at the step this run pauses at (<see cref="StopAtStep"/>) for other trials
        /// to start from (<see cref="RestoreFromTrial"/>).
        /// </summary>
        public bool KeepPauseCheckpoints { get; init; }

        /// <summary>
        /// With <see cref="KeepPauseCheckpoints"/>: copies this trial kept at steps below this one are no longer needed
        /// by any trial; the worker deletes them when it keeps the next.
        /// </summary>
        public long DiscardKeptBefore { get; init; }

        /// <summary>
        /// The part of the trial this dispatch runs (0-based; its trainable's fold), when the trial runs in parts
        /// (<see cref="Studies.StudyEvents.TrialPartsSet"/>); null: the whole trial.
        /// </summary>
        public int? Part { get; init; }

        /// <summary>
        /// The checkpoint store the study chose for its kept copies (<c>directory</c> or <c>database</c>); null: the
        /// node's own.
        /// </summary>
        public string? CheckpointStore { get; init; }
    }

    /// <summary>Stops the trial (pruned, superseded, or the study stopped); the worker reports nothing more.</summary>
    public sealed record CancelTrial(string WorkerId, string Reason) : IWithWorkerId;

    /// <summary>
    /// Pauses the running trial (the coordinator has persisted the pause): the worker stops the trainable promptly,
    /// keeping its checkpoint, frees its slot and answers <see cref="ReportTrialPaused"/>.
    /// </summary>
    public sealed record PauseTrial(string WorkerId, string Reason) : IWithWorkerId;

    /// <summary>
    /// Sent by sharding to a worker whose node is leaving: stop now, keep the checkpoint, and tell the coordinator
    /// so it runs the trial elsewhere.
    /// </summary>
    public sealed record HandOffTrial
    {
        /// <summary>The single instance.</summary>
        public static readonly HandOffTrial Instance = new();

        private HandOffTrial()
        {
        }
    }

    /// <summary>
    /// The worker has the trial and waits for a slot (or has it, when a coordinator sent the trial again); the
    /// coordinator watches <see cref="Worker"/>. A trial that takes a slot at once is accepted by its
    /// <see cref="ReportTrialStarted"/> or its result instead.
    /// </summary>
    public sealed record TrialAccepted(string StudyId, int Number, int Dispatch, IActorRef Worker) : IWithStudyId;

    /// <summary>
    /// The trial took a slot on its worker node and began running at <see cref="At"/> (until then it was queued
    /// there). Sent again, with the same time, when a coordinator re-attaches to the running trial.
    /// </summary>
    public sealed record ReportTrialStarted(string StudyId, int Number, int Dispatch, DateTimeOffset At) : IWithStudyId
    {
        /// <summary>
        /// The worker, which the coordinator watches from then on: a trial that took a slot at once was never
        /// <see cref="TrialAccepted"/> on its own, and this report stands for it (null from older workers).
        /// </summary>
        public IActorRef? Worker { get; init; }
    }

    /// <summary>Intermediate metrics of a running trial.</summary>
    public sealed record ReportTrialProgress(string StudyId, int Number, int Dispatch, long Step, IReadOnlyDictionary<string, double> Metrics) : IWithStudyId
    {
        /// <summary>
        /// When the trainable reported the step (the worker's clock; null from older workers): a run that pauses at
        /// this step ends then, not when the coordinator gets to the report.
        /// </summary>
        public DateTimeOffset? At { get; init; }
    }

    /// <summary>
    /// Trains a study's final model (<see cref="Studies.StudyRefit"/>): <paramref name="Params"/>, its best trial's
    /// configuration, on all training rows, scored once on the test set, saved under the node's artifacts root.
    /// Idempotent like <see cref="RunTrial"/>: the coordinator re-sends it after a recovery, and the worker answers
    /// with what it has. Its entity id comes from <see cref="TrialWorkerId.FormatRefit"/>.
    /// </summary>
    public sealed record RunRefit(string WorkerId, string StudyId, int Dispatch, TrialRunSpec RunSpec,
        Configuration Params) : IWithWorkerId;

    /// <summary>The worker has the refit (waiting for a slot or training); the coordinator watches it.</summary>
    public sealed record RefitAccepted(string StudyId, int Dispatch, IActorRef Worker) : IWithStudyId;

    /// <summary>
    /// The refit's test metrics, rows and model file, or why it failed. Re-sent until <see cref="RefitRecorded"/>
    /// arrives.
    /// </summary>
    public sealed record ReportRefitResult(string StudyId, int Dispatch, IReadOnlyDictionary<string, double> TestMetrics,
        int TrainRows, int TestRows, string? ModelPath, string? FailureReason) : IWithStudyId;

    /// <summary>The coordinator persisted (or had already persisted) the refit's outcome; the worker may stop.
    /// </summary>
    public sealed record RefitRecorded(string StudyId, int Dispatch);

    /// <summary>The trial's final metrics, or why it failed. Re-sent until <see cref="TrialResultRecorded"/> arrives.</summary>
    public sealed record ReportTrialResult(string StudyId, int Number, int Dispatch, IReadOnlyDictionary<string, double> Metrics, string? FailureReason) : IWithStudyId
    {
        /// <summary>
        /// When the run ended and freed its slot (the worker's clock; null from older workers), recorded as the
        /// trial's finish time rather than the time the coordinator got to the result.
        /// </summary>
        public DateTimeOffset? FinishedAt { get; init; }

        /// <summary>
        /// When the run began, for a run whose start was not reported on its own: a run that ends as soon as it starts
        /// (a built-in function) reports its start with its result, one message instead of three (null otherwise).
        /// </summary>
        public DateTimeOffset? StartedAt { get; init; }
    }

    /// <summary>
    /// The trial's run ended paused at <see cref="Step"/> (its trainable reached its stop step, or obeyed a
    /// <see cref="PauseTrial"/>); its checkpoint is kept. Re-sent until <see cref="TrialResultRecorded"/> arrives.
    /// </summary>
    public sealed record ReportTrialPaused(string StudyId, int Number, int Dispatch, long Step) : IWithStudyId;

    /// <summary>The worker stopped without a result through no fault of the trial (its node is leaving).</summary>
    public sealed record ReportTrialInterrupted(string StudyId, int Number, int Dispatch, string Reason) : IWithStudyId;

    /// <summary>The coordinator persisted (or had already persisted) the trial's outcome; the worker may stop.</summary>
    public sealed record TrialResultRecorded(string StudyId, int Number, int Dispatch);
}
