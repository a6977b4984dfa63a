using HyperTune.Core.Studies;

namespace HyperTune.Benchmarks;

/// <summary>One simulated multi-fidelity study of <c>bench schedulers</c> and what came out.</summary>
/// <param name="Problem">The problem's name.</param>
/// <param name="Setup">The setup's name.</param>
/// <param name="Seed">The optimizer seed.</param>
/// <param name="BestValue">Best value among trials that reached the last step, or null.</param>
/// <param name="Regret">Best value minus the optimum (+∞ when no trial reached the last step).</param>
/// <param name="Trials">New trials started.</param>
/// <param name="Steps">Steps spent.</param>
/// <param name="Utilization">Busy slot-time over total slot-time.</param>
/// <param name="Seconds">Wall-clock seconds of the simulation.</param>
/// <param name="History">The final history, when the options asked to keep histories.</param>
public sealed record SchedulerStudyRun(
    string Problem,
    string Setup,
    int Seed,
    double? BestValue,
    double Regret,
    int Trials,
    long Steps,
    double Utilization,
    double Seconds,
    TrialHistory? History);
