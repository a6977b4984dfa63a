using HyperTune.Core.Randomness;
using HyperTune.Core.Spaces;

namespace HyperTune.Core.Optimizers.Designs;

/// <summary>
/// Space-filling designs for the first trials of model-based optimizers. The point for trial n depends only on
/// the kind, the seed and n, so a recovered coordinator proposes the same initial points.
/// Kinds: <c>random</c> (independent uniform draws) and <c>sobol</c> (Owen-scrambled Sobol sequence, see
/// <see cref="SobolDesign"/>; its first 2^k points are stratified in every coordinate).
/// </summary>
public static class InitialDesign
{
    /// <summary>The design kinds a spec may name in <c>initialDesign</c>.</summary>
    public static IReadOnlyList<string> Kinds { get; } = new[] { "random", "sobol" };

    /// <summary>The n-th point of a design over the space.</summary>
    public static Configuration Point(string kind, SearchSpace space, long seed, int n) => kind switch
    {
        "random" => space.Sample(SeededRandom.Derive(seed, n, SeededRandom.StableHash("initial-design"))),
        "sobol" => new SobolDesign(space, SobolDesign.ScramblingSeed(seed)).Point(n),
        _ => throw new ArgumentException($"unknown initial design '{kind}'; known: {string.Join(", ", Kinds)}"),
    };
}
