namespace HyperTune.Core.Specs;

/// <summary>How much a study may spend.</summary>
/// <param name="MaxTrials">Trials to run in all (failed and pruned ones count).</param>
/// <param name="Parallelism">Trials running at the same time at most.</param>
/// <param name="WallClockLimit">Stop suggesting new trials once the study has run this long (null: no limit).</param>
/// <param name="MaxSteps">
/// Steps (the trainable's resource units) the study may spend in all, each trial's furthest step counted; a trial
/// starts only if the budget can take it to its last step (<see cref="Studies.StepBudget"/>). Null: no step budget.
/// </param>
public sealed record BudgetSpec(int MaxTrials, int Parallelism, TimeSpan? WallClockLimit, long? MaxSteps = null)
{
    /// <summary>Refuses a step budget smaller than one run of <paramref name="fullRun"/> steps: no trial could start.</summary>
    /// <exception cref="SpecException"><paramref name="maxSteps"/> is below <paramref name="fullRun"/>.</exception>
    public static void CheckMaxSteps(long maxSteps, long fullRun)
    {
        if (maxSteps < fullRun)
            throw new SpecException("budget.maxSteps",
                $"{maxSteps} is less than one run of the trainable ({fullRun} steps): no trial could start");
    }
}
