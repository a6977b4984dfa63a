using HyperTune.Core.Studies;

namespace HyperTune.Core.Schedulers;

/// <summary>What a scheduler is told when a worker slot is free.</summary>
/// <param name="History">Every trial so far.</param>
/// <param name="CanStartNew">
/// False when no new trial can start: the trial budget is spent, the optimizer is exhausted, or the study's
/// wall-clock limit passed. A synchronous scheduler then closes its open rung instead of waiting for more trials.
/// </param>
/// <param name="MaxTrials">The study's trial budget (new trials; resumes do not count).</param>
public sealed record SchedulerContext(TrialHistory History, bool CanStartNew, int MaxTrials);
