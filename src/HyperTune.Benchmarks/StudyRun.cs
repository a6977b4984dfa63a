using HyperTune.Core.Studies;

namespace HyperTune.Benchmarks;

/// <summary>One benchmark study: a problem, an optimizer setup and a seed, and what came out.</summary>
/// <param name="Problem">The problem's name.</param>
/// <param name="Optimizer">The setup's name.</param>
/// <param name="Seed">The optimizer seed.</param>
/// <param name="BestValue">The best objective value found (null when no trial completed).</param>
/// <param name="Regret">Best value minus the problem's known optimum (+∞ when no trial completed).</param>
/// <param name="Seconds">Wall-clock time of the whole study, objective included.</param>
/// <param name="SuggestMilliseconds">The duration of every Suggest call, in call order.</param>
/// <param name="History">The final history, when the options asked to keep histories.</param>
public sealed record StudyRun(
    string Problem,
    string Optimizer,
    int Seed,
    double? BestValue,
    double Regret,
    double Seconds,
    IReadOnlyList<double> SuggestMilliseconds,
    TrialHistory? History);
