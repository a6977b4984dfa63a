using System.Collections.Immutable;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Tests.Optimizers.Fidelity;

/// <summary>Hand-made histories of trials stopped at the rungs 1, 3, 9 and 27.</summary>
internal static class FidelityHistories
{
    public static SearchSpace Space { get; } = new(new FloatParameter("x", 0, 1), new FloatParameter("y", 0, 1));

    /// <summary>A trial that reported <paramref name="values"/> at the given steps.</summary>
    public static TrialRecord Trial(int number, TrialState state, double x, (long Step, double Value)[] values,
        double? final = null) =>
        new(number, state, Configuration.From(new Dictionary<string, object> { ["x"] = x, ["y"] = 0.5 }))
        {
            Intermediate = values.Select(v => new IntermediateValue(v.Step, v.Value)).ToImmutableList(),
            Value = state switch
            {
                TrialState.Complete => final ?? values[^1].Value,
                TrialState.Pruned => values[^1].Value,
                _ => null,
            },
        };

    /// <summary>
    /// Eleven trials: 0-2 complete (rungs 1, 3, 9, 27), 3-4 pruned at 9, 5-6 paused at 3, 7-8 pruned at 1, 9 running
    /// (reported at 1), 10 failed. Reached: the final level 3 trials, step 9 five, step 3 seven, step 1 nine.
    /// </summary>
    public static TrialHistory Rungs(StudyDirection direction = StudyDirection.Minimize) => new(new[]
    {
        Trial(0, TrialState.Complete, 0.0, new[] { (1L, 9.0), (3L, 7.0), (9L, 5.0), (27L, 1.0) }),
        Trial(1, TrialState.Complete, 0.1, new[] { (1L, 8.0), (3L, 6.0), (9L, 4.0), (27L, 2.0) }),
        Trial(2, TrialState.Complete, 0.2, new[] { (1L, 7.0), (3L, 5.0), (9L, 3.0), (27L, 2.5) }, final: 2.4),
        Trial(3, TrialState.Pruned, 0.3, new[] { (1L, 6.0), (3L, 5.5), (9L, 4.5) }),
        Trial(4, TrialState.Pruned, 0.4, new[] { (1L, 5.0), (3L, 4.0), (9L, 2.0) }),
        Trial(5, TrialState.Paused, 0.5, new[] { (1L, 4.0), (3L, 3.0) }),
        Trial(6, TrialState.Paused, 0.6, new[] { (1L, 6.5), (3L, 6.5) }),
        Trial(7, TrialState.Pruned, 0.7, new[] { (1L, 9.5) }),
        Trial(8, TrialState.Pruned, 0.8, new[] { (1L, 3.0) }),
        Trial(9, TrialState.Running, 0.9, new[] { (1L, 0.5) }),
        Trial(10, TrialState.Failed, 1.0, Array.Empty<(long, double)>()),
    }, direction);
}
