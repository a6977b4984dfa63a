namespace HyperTune.Core.Specs;

/// <summary>How much a study may spend.</summary>
/// <param name="MaxTrials">Trials to run in all (failed and pruned ones count).</param>
/// <param name="Parallelism">Trials running at the same time at most.</param>
/// <param name="WallClockLimit">Stop suggesting new trials once the study has run this long (null: no limit).</param>
public sealed record BudgetSpec(int MaxTrials, int Parallelism, TimeSpan? WallClockLimit);
