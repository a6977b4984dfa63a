using HyperTune.Cluster.Studies;
using HyperTune.Core.Studies;

namespace HyperTune.Client;

/// <summary>A study's outcome: its status, its best trial and every trial.</summary>
/// <param name="StudyId">The study's id.</param>
/// <param name="Status">Running, finished or stopped.</param>
/// <param name="FinishReason">Why it finished (budget reached...), or null.</param>
/// <param name="Best">The best completed trial (number, value, configuration), or null.</param>
/// <param name="Trials">Every trial, by number.</param>
public sealed record StudyResult(string StudyId, StudyStatus Status, string? FinishReason, TrialSummary? Best,
    IReadOnlyList<TrialRecord> Trials);
