namespace HyperTune.Benchmarks;

/// <summary>One problem's line of <see cref="SchedulerGoals"/> (median final regrets).</summary>
/// <param name="Problem">The problem.</param>
/// <param name="Ours">Our best setup and its median regret, or null when none ran.</param>
/// <param name="Theirs">The reference's best setup and its median regret, or null when it has none there.</param>
/// <param name="Recommended">The recommended setup's median regret, or null when it did not run.</param>
/// <param name="Baseline">The same optimizer without a scheduler, or null when it did not run.</param>
public sealed record SchedulerGoalRow(
    string Problem,
    (string Setup, double Regret)? Ours,
    (string Setup, double Regret)? Theirs,
    double? Recommended,
    double? Baseline);
