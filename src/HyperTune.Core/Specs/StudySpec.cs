using HyperTune.Core.Spaces;

namespace HyperTune.Core.Specs;

/// <summary>
/// A parsed, validated study spec. <see cref="Json"/> keeps the source text: that text (not this object) is what
/// the journal stores, so a study always recovers exactly what it was given.
/// </summary>
public sealed record StudySpec(
    string Name,
    string? Description,
    ObjectiveSpec Objective,
    TrainableSpec Trainable,
    SearchSpace Space,
    OptimizerSpec Optimizer,
    BudgetSpec Budget,
    TimeSpan? TrialTimeout,
    int MaxRetries,
    string? Storage,
    string Json)
{
    /// <summary>The scheduler that stops, pauses and resumes trials (<c>none</c> unless the spec names one).</summary>
    public SchedulerSpec Scheduler { get; init; } = SchedulerSpec.None;

    /// <summary>A copy with another budget (command-line overrides).</summary>
    public StudySpec WithBudget(BudgetSpec budget) => this with { Budget = budget };
}
