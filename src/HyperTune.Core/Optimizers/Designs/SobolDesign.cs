using HyperTune.Core.Randomness;
using HyperTune.Core.Spaces;

namespace HyperTune.Core.Optimizers.Designs;

/// <summary>
/// A scrambled Sobol sequence laid over a search space: coordinate i drives parameter i (in the space's
/// parent-before-child order). Numeric parameters map through <see cref="NumericParameter.FromUnit"/> (log scales
/// in log space, integers with equal shares per value); a categorical parameter with c choices takes choice
/// <c>floor(u * c)</c>. Conditional parameters keep their coordinate but only appear when active, so the active
/// parameters of any sub-space still follow a stratified design.
/// </summary>
public sealed class SobolDesign
{
    private readonly SearchSpace _space;
    private readonly SobolSequence _sequence;

    /// <summary>Creates the design for a space; the scrambling comes from <paramref name="seed"/>.</summary>
    public SobolDesign(SearchSpace space, long seed, SobolScrambling scrambling = SobolScrambling.Owen)
    {
        _space = space;
        _sequence = new SobolSequence(space.Parameters.Count, scrambling, seed);
    }

    /// <summary>The seed <see cref="InitialDesign"/> and the <c>sobol</c> optimizer scramble with, from a study seed.</summary>
    public static long ScramblingSeed(long studySeed) => SeededRandom.Mix(studySeed, SeededRandom.StableHash("initial-design.sobol"));

    /// <summary>The underlying unit-cube sequence.</summary>
    public SobolSequence Sequence => _sequence;

    /// <summary>The configuration at <paramref name="index"/>.</summary>
    public Configuration Point(long index) => ToConfiguration(_space, _sequence.Point(index));

    /// <summary>Maps a point of the unit cube (one coordinate per parameter, in space order) to a configuration.</summary>
    public static Configuration ToConfiguration(SearchSpace space, IReadOnlyList<double> unit)
    {
        if (unit.Count != space.Parameters.Count)
            throw new ArgumentException($"expected {space.Parameters.Count} coordinates, got {unit.Count}", nameof(unit));
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < space.Parameters.Count; i++) index[space.Parameters[i].Name] = i;
        return space.Build((p, _) => FromUnit(p, unit[index[p.Name]]));
    }

    /// <summary>The value of one parameter at unit coordinate <paramref name="u"/>.</summary>
    public static object FromUnit(Parameter p, double u) => p switch
    {
        NumericParameter n => n.FromUnit(u),
        CategoricalParameter c => c.Choices[Math.Clamp((int)Math.Floor(u * c.Choices.Count), 0, c.Choices.Count - 1)],
        _ => throw new NotSupportedException($"parameter '{p.Name}' of kind {p.GetType().Name}"),
    };
}
