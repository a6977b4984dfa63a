using HyperTune.Core.Studies;

namespace HyperTune.Core.Simulation;

/// <summary>What a <see cref="MultiFidelitySimulation"/> runs.</summary>
/// <param name="Steps">Steps of a full training run (T); a trial that reports step T is complete.</param>
/// <param name="BudgetSteps">
/// Steps the whole study may run (each step costs one unit; budget runs x T in the reference benchmark). A trial
/// that would overrun runs only the steps left, and counts only if it reaches T.
/// </param>
/// <param name="Parallelism">Worker slots: trials running at once.</param>
/// <param name="MaxTrials">The trial budget the scheduler is told (new trials; resumes do not count).</param>
/// <param name="Direction">The metric's direction.</param>
public sealed record SimulationSettings(
    int Steps,
    long BudgetSteps,
    int Parallelism = 1,
    int MaxTrials = int.MaxValue,
    StudyDirection Direction = StudyDirection.Minimize)
{
    /// <summary>Checks the numbers; throws <see cref="ArgumentOutOfRangeException"/> naming the setting.</summary>
    public void Validate()
    {
        if (Steps < 1) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "must be at least 1");
        if (BudgetSteps < 1)
            throw new ArgumentOutOfRangeException(nameof(BudgetSteps), BudgetSteps, "must be at least 1");
        if (Parallelism < 1)
            throw new ArgumentOutOfRangeException(nameof(Parallelism), Parallelism, "must be at least 1");
        if (MaxTrials < 1) throw new ArgumentOutOfRangeException(nameof(MaxTrials), MaxTrials, "must be at least 1");
    }
}
