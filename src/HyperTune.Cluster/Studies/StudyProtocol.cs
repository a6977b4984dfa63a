using Akka.Actor;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Studies;

namespace HyperTune.Cluster.Studies;

/// <summary>Commands and queries a study coordinator accepts from clients, and its replies.</summary>
public static class StudyProtocol
{
    /// <summary>Budget values that override the spec's (command-line <c>--parallelism</c>, a bigger <c>maxTrials</c>).</summary>
    public sealed record BudgetOverride(int? MaxTrials, int? Parallelism);

    /// <summary>
    /// Creates the study from a spec, or resumes it when it already exists with the same spec (the budget may
    /// change; anything else differing is refused, since the journal's trials belong to the original spec).
    /// Replies <see cref="StudySubmitted"/> or <see cref="StudyRejected"/>.
    /// </summary>
    public sealed record SubmitStudy(string StudyId, string SpecJson, BudgetOverride? Budget = null) : IWithStudyId
    {
        /// <summary>
        /// Configurations to enqueue with the submission (see <see cref="EnqueueTrials"/>), so that a new study
        /// starts with them before the optimizer's first suggestions.
        /// </summary>
        public string? EnqueueJson { get; init; }
    }

    /// <summary>The study exists and runs (or has finished); <see cref="Created"/> tells whether it is new.</summary>
    public sealed record StudySubmitted(string StudyId, bool Created, StudyProgress Progress) : IWithStudyId;

    /// <summary>The study was refused; <see cref="Reason"/> says why. Nothing was stored.</summary>
    public sealed record StudyRejected(string StudyId, string Reason) : IWithStudyId;

    /// <summary>Asks for the study's progress and, optionally, its trials. Replies <see cref="StudyReport"/> or <see cref="StudyNotFound"/>.</summary>
    public sealed record GetStudy(string StudyId, bool IncludeTrials = false) : IWithStudyId;

    /// <summary>
    /// A study's progress and (when asked for) every trial ordered by number, the worker node of each running
    /// trial, and the address of the node whose coordinator answered.
    /// </summary>
    public sealed record StudyReport(StudyProgress Progress, IReadOnlyList<TrialRecord>? Trials) : IWithStudyId
    {
        /// <summary>Worker node key of each dispatched, unfinished trial (with trials only).</summary>
        public IReadOnlyDictionary<int, string>? RunningOn { get; init; }

        /// <summary>The parts of each unfinished trial that runs in parts (with trials only).</summary>
        public IReadOnlyDictionary<int, TrialPartsProgress>? Parts { get; init; }

        /// <summary>Current dispatch number of each trial that was dispatched (with trials only).</summary>
        public IReadOnlyDictionary<int, int>? Dispatches { get; init; }

        /// <summary>
        /// Dispatched trials that have begun running on their worker (with trials only); the other dispatched ones
        /// are queued there for a slot.
        /// </summary>
        public IReadOnlySet<int>? Executing { get; init; }

        /// <summary>The study's search space as its spec gives it (JSON), for tools that need its ranges.</summary>
        public string? SpaceJson { get; init; }

        /// <summary>The cluster address of the coordinator's node (<c>host:port</c>).</summary>
        public string? CoordinatorNode { get; init; }

        /// <summary>
        /// The scheduler's rungs (trials, promotions and best value per bracket and rung, the last at the full
        /// resource), computed by the coordinator, which has the scheduler: empty for a scheduler without rungs,
        /// null when not given (replies other than <see cref="GetStudy"/>'s).
        /// </summary>
        public IReadOnlyList<RungSummary>? Rungs { get; init; }

        /// <summary>The trainable's last step, when it says how many it runs.</summary>
        public long? FinalStep { get; init; }

        /// <summary>
        /// Under population-based training, the best trial's hyperparameter schedule through its donors
        /// (<see cref="Core.Schedulers.Population.PopulationSchedule"/>); null otherwise.
        /// </summary>
        public IReadOnlyList<Core.Schedulers.Population.ScheduleSegment>? BestSchedule { get; init; }

        /// <summary>
        /// An evolutionary study's generations (size, completed, best and mean value); null for other optimizers and
        /// in replies other than <see cref="GetStudy"/>'s.
        /// </summary>
        public IReadOnlyList<Core.Optimizers.Evolution.GenerationSummary>? Generations { get; init; }

        /// <inheritdoc />
        public string StudyId => Progress.StudyId;
    }

    /// <summary>No study with that id exists.</summary>
    public sealed record StudyNotFound(string StudyId) : IWithStudyId;

    /// <summary>Subscribes the sender to <see cref="StudyProgress"/> updates (sent at once, then on change).</summary>
    public sealed record WatchStudy(string StudyId, IActorRef Watcher) : IWithStudyId;

    /// <summary>Ends a subscription.</summary>
    public sealed record UnwatchStudy(string StudyId, IActorRef Watcher) : IWithStudyId;

    /// <summary>
    /// Enqueues configurations (a JSON object, or an array of them, checked against the study's space) to run as the
    /// next new trials, before the optimizer's suggestions. Replies <see cref="TrialsEnqueued"/>,
    /// <see cref="EnqueueRefused"/> (bad configurations) or <see cref="StudyRejected"/> (the study cannot take them).
    /// </summary>
    public sealed record EnqueueTrials(string StudyId, string ParamsJson) : IWithStudyId;

    /// <summary>The configurations were stored; <see cref="Waiting"/> enqueued ones have not started yet.</summary>
    public sealed record TrialsEnqueued(string StudyId, int Enqueued, int Waiting) : IWithStudyId;

    /// <summary>The configurations were refused (not JSON, not in the space); nothing was stored.</summary>
    public sealed record EnqueueRefused(string StudyId, string Reason) : IWithStudyId;

    /// <summary>
    /// Holds a running study: no trial starts, resumes or is dispatched until <see cref="ResumeStudy"/>; the running
    /// ones finish. Replies <see cref="StudyReport"/> (or <see cref="StudyRejected"/> for a finished study).
    /// </summary>
    public sealed record PauseStudy(string StudyId, string Reason) : IWithStudyId;

    /// <summary>Lets a held study go on. Replies <see cref="StudyReport"/>.</summary>
    public sealed record ResumeStudy(string StudyId) : IWithStudyId;

    /// <summary>
    /// Stops a running study: unfinished trials are cancelled (counted as cancelled). Replies <see cref="StudyReport"/>.
    /// </summary>
    public sealed record StopStudy(string StudyId, string Reason) : IWithStudyId;

    /// <summary>
    /// Refits the study's best trial now (again, if it was refitted before; see <see cref="StudyRefit"/>): a worker
    /// trains it on all training rows, scores it on the test set and saves the model. Replies
    /// <see cref="StudyReport"/> once the request is written (its progress's <c>Refit</c> then says where it is), or
    /// <see cref="StudyRejected"/> (no single best trial, a trainable that makes no model, a read-only store).
    /// </summary>
    public sealed record RefitStudy(string StudyId, string Reason) : IWithStudyId;

    /// <summary>Asks for the spec a study was created from. Replies <see cref="StudySpecText"/> or
    /// <see cref="StudyNotFound"/>.</summary>
    public sealed record GetStudySpec(string StudyId) : IWithStudyId;

    /// <summary>The spec of a study as it was submitted (its paths resolved where it was submitted).</summary>
    public sealed record StudySpecText(string StudyId, string SpecJson) : IWithStudyId;

    /// <summary>
    /// Deletes a finished study: its journal, snapshots and read-model views (checkpoints and the registry's entry
    /// are the caller's to remove after the reply). Replies <see cref="StudyDeleted"/>, or <see cref="StudyRejected"/>
    /// for a study still running or a store opened read-only.
    /// </summary>
    public sealed record DeleteStudy(string StudyId) : IWithStudyId;

    /// <summary>The study's stored events and views are gone; it had <see cref="Trials"/> trials.</summary>
    public sealed record StudyDeleted(string StudyId, int Trials) : IWithStudyId;
}
