using HyperTune.Core.Randomness;
using HyperTune.Core.Spaces;

namespace HyperTune.Core.Optimizers.Designs;

/// <summary>
/// Space-filling designs for the first trials of model-based optimizers. The point for trial n depends only on
/// the kind, the seed and n, so a recovered coordinator proposes the same initial points.
/// Kinds: <c>random</c> (independent uniform draws), <c>sobol</c> (Owen-scrambled Sobol sequence, see
/// <see cref="SobolDesign"/>; its first 2^k points are stratified in every coordinate) and <c>stratified</c> (random
/// draws whose branch choices, in a conditional space, come in turn: the same points as <c>random</c> elsewhere).
/// </summary>
public static class InitialDesign
{
    /// <summary>The design kinds a spec may name in <c>initialDesign</c>.</summary>
    public static IReadOnlyList<string> Kinds { get; } = new[] { "random", "sobol", "stratified" };

    /// <summary>The n-th point of a design over the space.</summary>
    public static Configuration Point(string kind, SearchSpace space, long seed, int n) => kind switch
    {
        "random" => space.Sample(SeededRandom.Derive(seed, n, SeededRandom.StableHash("initial-design"))),
        "sobol" => new SobolDesign(space, SobolDesign.ScramblingSeed(seed)).Point(n),
        "stratified" => Stratified(space, seed, n),
        _ => throw new ArgumentException($"unknown initial design '{kind}'; known: {string.Join(", ", Kinds)}"),
    };

    private static readonly long StratumSalt = SeededRandom.StableHash("initial-design.branch");

    /// <summary>
    /// Random draws, except that a categorical parameter other parameters' conditions name (a branch) takes its
    /// choices in turn, in an order shuffled per round of choices: every branch gets its share of the design.
    /// </summary>
    private static Configuration Stratified(SearchSpace space, long seed, int n)
    {
        var branches = space.BranchParameters;
        var random = SeededRandom.Derive(seed, n, SeededRandom.StableHash("initial-design"));
        return space.Build((p, _) =>
        {
            if (p is not CategoricalParameter c || !branches.Contains(p.Name)) return p.Sample(random);
            var k = c.Choices.Count;
            var order = Enumerable.Range(0, k).ToArray();
            SeededRandom.Derive(seed, n / k, StratumSalt, SeededRandom.StableHash(p.Name)).Shuffle(order);
            return c.Choices[order[n % k]];
        });
    }
}
