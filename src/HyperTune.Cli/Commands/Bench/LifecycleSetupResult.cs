namespace HyperTune.Cli.Commands.Bench;

/// <summary>One setup's real study: its outcome as the coordinator reports it, and its timeline from the journal.
/// </summary>
/// <param name="Setup">The setup (scheduler type).</param>
/// <param name="StudyId">The study.</param>
/// <param name="FinishReason">Why the study finished.</param>
/// <param name="Complete">Trials complete (the coordinator's count).</param>
/// <param name="Pruned">Trials pruned (the coordinator's count).</param>
/// <param name="Failed">Trials failed (the coordinator's count).</param>
/// <param name="BestValue">The best value, or null.</param>
/// <param name="Timeline">Run pieces and figures rebuilt from the journal.</param>
/// <param name="SlotLimiterUtilization">
/// The same window's utilization as the node's slot limiter saw it (<see cref="SlotUsageRecorder"/>): a check.
/// </param>
/// <param name="Seconds">Wall time of the whole run of the setup, submission to report.</param>
internal sealed record LifecycleSetupResult(
    string Setup,
    string StudyId,
    string? FinishReason,
    int Complete,
    int Pruned,
    int Failed,
    double? BestValue,
    LifecycleTimeline Timeline,
    double SlotLimiterUtilization,
    double Seconds);
