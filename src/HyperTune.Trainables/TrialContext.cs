using HyperTune.Core.Spaces;

namespace HyperTune.Trainables;

/// <summary>What a trainable is given for one trial.</summary>
public sealed class TrialContext
{
    /// <summary>The study's id.</summary>
    public required string StudyId { get; init; }

    /// <summary>The trial's number in the study.</summary>
    public required int TrialNumber { get; init; }

    /// <summary>The configuration to evaluate.</summary>
    public required Configuration Params { get; init; }

    /// <summary>The study's metric name (what the final report must contain).</summary>
    public required string Metric { get; init; }

    /// <summary>
    /// A directory for this trial's checkpoints. When it already holds files, the trial is being resumed (after a
    /// node failure, or from another trial's checkpoint in population-based training) and should continue from them.
    /// </summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>
    /// The last step the trial recorded before this run (0: a fresh start). A resumed trial loads its checkpoint for
    /// this step from <see cref="CheckpointDirectory"/> and continues at the next step.
    /// </summary>
    public long ResumeStep { get; init; }

    /// <summary>
    /// The step after whose report this run stops and pauses (a scheduler's rung milestone), or null to run to the end.
    /// </summary>
    public long? StopAtStep { get; init; }

    /// <summary>
    /// How long a stopped process may take to exit after SIGTERM before its process tree is killed
    /// (<c>hypertune.worker.process-stop-grace</c>).
    /// </summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The part of the trial to run, 0-based, when the trainable splits trials into parts (<see
    /// cref="ITrainable.Parts"/>): only that part runs, its metrics are the result, and nothing is reported on the
    /// way. Null: the whole trial.
    /// </summary>
    public int? Part { get; init; }

    /// <summary>Called with every intermediate report; safe to call from any thread.</summary>
    public Action<TrialReport> Report { get; init; } = _ => { };
}
