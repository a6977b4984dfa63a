namespace HyperTune.Core.Schedulers;

/// <summary>One rung of a successive-halving bracket, as a display shows it.</summary>
/// <param name="Bracket">The bracket (0 for schedulers with one).</param>
/// <param name="Rung">The rung's index in its bracket, from 0 (the smallest resource).</param>
/// <param name="Step">The rung's milestone: the step at which trials are compared.</param>
/// <param name="Trials">Trials that reached the milestone.</param>
/// <param name="Promoted">Trials promoted past it (continued or resumed).</param>
/// <param name="BestValue">The best value reported at the milestone, or null.</param>
public sealed record RungSummary(int Bracket, int Rung, long Step, int Trials, int Promoted, double? BestValue);
