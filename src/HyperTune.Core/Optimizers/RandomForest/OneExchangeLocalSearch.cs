using HyperTune.Core.Randomness;
using HyperTune.Core.Spaces;

namespace HyperTune.Core.Optimizers.RandomForest;

/// <summary>
/// Hill climbing on an acquisition function over the one-exchange neighbourhood (SMAC's local search): the
/// neighbours of a configuration differ from it in exactly one active parameter. A categorical parameter
/// contributes every other choice (children it activates get random values, children it deactivates disappear); a
/// numeric one contributes <c>samples</c> values drawn from a normal around its unit coordinate (truncated to
/// [0, 1]) plus, for integers, the adjacent values. Each step moves to the best strictly improving neighbour; the
/// climb ends at a local optimum or after <c>maxSteps</c>.
/// </summary>
public sealed class OneExchangeLocalSearch
{
    /// <summary>Rejection rounds for a normal draw inside [0, 1] before giving up on that draw.</summary>
    public const int TruncationAttempts = 8;

    private readonly SearchSpace _space;
    private readonly int _samples;
    private readonly double _scale;
    private readonly int _maxSteps;

    /// <summary>Creates a local search.</summary>
    /// <param name="space">The space searched.</param>
    /// <param name="samples">Normal draws per numeric parameter per step.</param>
    /// <param name="scale">Standard deviation of those draws in unit coordinates.</param>
    /// <param name="maxSteps">Most moves per climb.</param>
    public OneExchangeLocalSearch(SearchSpace space, int samples, double scale, int maxSteps)
    {
        _space = space;
        _samples = samples;
        _scale = scale;
        _maxSteps = maxSteps;
    }

    /// <summary>Climbs from <paramref name="start"/>; returns the end point and its acquisition value (higher is better).</summary>
    public (Configuration Config, double Value) Climb(Configuration start, double startValue, Func<Configuration, double> acquisition, SeededRandom random)
    {
        var current = start;
        var value = startValue;
        for (var step = 0; step < _maxSteps; step++)
        {
            Configuration? best = null;
            var bestValue = value;
            foreach (var neighbour in Neighbours(current, random))
            {
                var v = acquisition(neighbour);
                if (v > bestValue)
                {
                    best = neighbour;
                    bestValue = v;
                }
            }
            if (best is null) break;
            current = best;
            value = bestValue;
        }
        return (current, value);
    }

    /// <summary>The one-exchange neighbours of a configuration (random parts drawn from <paramref name="random"/>).</summary>
    public IEnumerable<Configuration> Neighbours(Configuration config, SeededRandom random)
    {
        foreach (var p in _space.Parameters)
        {
            if (!config.TryGetValue(p.Name, out var value)) continue;
            switch (p)
            {
                case CategoricalParameter c:
                    foreach (var choice in c.Choices)
                        if (!ParameterValues.Equals(choice, value))
                            yield return Replace(config, p, choice, random);
                    break;
                case NumericParameter n:
                    var u = n.ToUnit(value);
                    var seen = new List<object> { value };
                    if (n.IsInteger)
                    {
                        var step = (double)(n.Step ?? 1);
                        foreach (var delta in new[] { -step, step })
                        {
                            var v = n.FromInternal(n.ToInternal(ParameterValues.ToDouble(value) + delta));
                            if (!seen.Any(s => ParameterValues.Equals(s, v))) { seen.Add(v); yield return config.With(p.Name, v); }
                        }
                    }
                    for (var k = 0; k < _samples; k++)
                    {
                        var v = n.FromUnit(TruncatedNormal(u, _scale, random));
                        if (seen.Any(s => ParameterValues.Equals(s, v))) continue;
                        seen.Add(v);
                        yield return config.With(p.Name, v);
                    }
                    break;
            }
        }
    }

    private Configuration Replace(Configuration config, Parameter changed, object value, SeededRandom random) =>
        _space.Build((p, _) => p.Name == changed.Name ? value : config.TryGetValue(p.Name, out var v) ? v : p.Sample(random));

    private static double TruncatedNormal(double mean, double sd, SeededRandom random)
    {
        // A few rejection rounds, then stay put: the tails outside [0, 1] are rare for the scales used.
        for (var attempt = 0; attempt < TruncationAttempts; attempt++)
        {
            var x = mean + sd * random.NextGaussian();
            if (x >= 0 && x <= 1) return x;
        }
        return Math.Clamp(mean, 0, 1);
    }
}
