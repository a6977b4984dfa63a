using HyperTune.Core.Studies;

namespace HyperTune.Core.Simulation;

/// <summary>What a <see cref="MultiFidelitySimulation"/> ended with.</summary>
/// <param name="History">Every trial at the end (none Running, Waiting or Paused).</param>
/// <param name="StepsSpent">Steps run, over all trials (at most the budget).</param>
/// <param name="TrialsStarted">New trials started (resumes not counted).</param>
/// <param name="Time">Simulated time units from the first step to the last (one step takes one unit).</param>
/// <param name="Parallelism">Worker slots.</param>
/// <param name="EndReason">Why the study ended (budget spent, scheduler done, optimizer exhausted...).</param>
public sealed record SimulationResult(
    TrialHistory History,
    long StepsSpent,
    int TrialsStarted,
    long Time,
    int Parallelism,
    string EndReason)
{
    /// <summary>The best value among trials that reached the last step (Complete), or null when none did.</summary>
    public double? BestValue => History.Best?.Value;

    /// <summary>
    /// Busy slot-time over total slot-time (slots x time): below 1 when slots idle, as at a synchronous rung's
    /// barrier or when the study runs out of work for some slots; 1 for an empty study.
    /// </summary>
    public double Utilization => Time == 0 ? 1.0 : (double)StepsSpent / (Parallelism * (double)Time);

    /// <summary>Trials that reached the last step.</summary>
    public int TrialsCompleted => History.Trials.Count(t => t.State == TrialState.Complete);

    /// <summary>Trials stopped early by the scheduler.</summary>
    public int TrialsPruned => History.Trials.Count(t => t.State == TrialState.Pruned);
}
