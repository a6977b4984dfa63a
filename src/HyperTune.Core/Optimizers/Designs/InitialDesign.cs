using HyperTune.Core.Randomness;
using HyperTune.Core.Spaces;

namespace HyperTune.Core.Optimizers.Designs;

/// <summary>
/// Space-filling designs for the first trials of model-based optimizers. The point for trial n depends only on
/// the kind, the seed and n, so a recovered coordinator proposes the same initial points.
/// </summary>
public static class InitialDesign
{
    /// <summary>The design kinds a spec may name in <c>initialDesign</c>.</summary>
    public static IReadOnlyList<string> Kinds { get; } = new[] { "random" };

    /// <summary>The n-th point of a design over the space.</summary>
    public static Configuration Point(string kind, SearchSpace space, long seed, int n) => kind switch
    {
        "random" => space.Sample(SeededRandom.Derive(seed, n, SeededRandom.StableHash("initial-design"))),
        _ => throw new ArgumentException($"unknown initial design '{kind}'; known: {string.Join(", ", Kinds)}"),
    };
}
