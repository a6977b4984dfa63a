using HyperTune.Core.Studies;

namespace HyperTune.Core.Optimizers.Evolution;

/// <summary>
/// One generation of an evolutionary study as operators see it: its members, how many completed, and the best and
/// mean value of the (first) objective among them.
/// </summary>
/// <param name="Generation">The generation's number (0 for the initial design).</param>
/// <param name="Size">Its members so far.</param>
/// <param name="Complete">Members that completed.</param>
/// <param name="Best">The best completed member's value, or null.</param>
/// <param name="Mean">The completed members' mean value, or null.</param>
public sealed record GenerationSummary(int Generation, int Size, int Complete, double? Best, double? Mean)
{
    /// <summary>
    /// The generations of a history whose trials carry <see cref="EvolutionOptimizer.GenerationAttribute"/>, in
    /// order; empty when none does (the study's optimizer is not evolutionary).
    /// </summary>
    public static IReadOnlyList<GenerationSummary> Of(TrialHistory history)
    {
        if (!history.Trials.Any(t => t.Attributes.ContainsKey(EvolutionOptimizer.GenerationAttribute)))
            return Array.Empty<GenerationSummary>();
        return history.Trials.GroupBy(EvolutionOptimizer.GenerationOf).OrderBy(g => g.Key).Select(g =>
        {
            var values = g.Where(t => t.State == TrialState.Complete && t.Value is { } v && double.IsFinite(v))
                .Select(t => t.Value!.Value).ToList();
            double? best = values.Count == 0 ? null
                : history.Direction == StudyDirection.Minimize ? values.Min() : values.Max();
            return new GenerationSummary(g.Key, g.Count(), values.Count, best, values.Count == 0 ? null : values.Average());
        }).ToList();
    }
}
