using HyperTune.Core.Randomness;
using HyperTune.Core.Spaces;

namespace HyperTune.Core.Optimizers.Evolution;

/// <summary>
/// Crossover and mutation of configurations. Numbers vary in the unit scale of their range (the log scale for log
/// parameters) and are decoded back onto the parameter, so integer and step grids and bounds always hold. The child
/// is built through the space's conditions: a parameter its own choices deactivate is never carried over, and one
/// they activate that neither parent has is drawn afresh.
/// </summary>
internal sealed class Variation
{
    private readonly SearchSpace _space;
    private readonly EvolutionSettings _settings;
    private readonly double _mutationRate;

    public Variation(SearchSpace space, EvolutionSettings settings)
    {
        _space = space;
        _settings = settings;
        _mutationRate = settings.MutationRate ?? 1.0 / Math.Max(1, space.Parameters.Count);
    }

    /// <summary>
    /// A child of <paramref name="first"/> and, when crossing over, <paramref name="second"/>, and the operators
    /// that made it (<c>sbx</c>, <c>uniform</c>, <c>mutation</c>, joined by '+'; <c>copy</c> when none applied).
    /// With <paramref name="forceMutation"/> at least one parameter mutates (to leave a duplicate).
    /// </summary>
    public (Configuration Child, string Operator) Breed(Configuration first, Configuration second, SeededRandom random,
        bool forceMutation = false)
    {
        var cross = random.NextDouble() < _settings.CrossoverRate;
        var forced = forceMutation ? random.NextInt(_space.Parameters.Count) : -1;
        var mutated = false;
        var index = new Dictionary<string, int>();
        for (var i = 0; i < _space.Parameters.Count; i++) index[_space.Parameters[i].Name] = i;
        var child = _space.Build((p, _) =>
        {
            var hasFirst = first.TryGetValue(p.Name, out var a);
            var hasSecond = second.TryGetValue(p.Name, out var b);
            object value;
            if (cross && hasFirst && hasSecond) value = Cross(p, a!, b!, random);
            else if (hasFirst) value = a!;
            else if (hasSecond) value = b!;
            else value = p.Sample(random);
            if (index[p.Name] == forced || random.NextDouble() < _mutationRate)
            {
                var before = value;
                value = Mutate(p, value, random);
                mutated |= !ParameterValueComparer.Instance.Equals(before, value);
            }
            return p.Coerce(value);
        });
        var op = (cross ? _settings.Crossover == CrossoverKind.Sbx ? "sbx" : "uniform" : null, mutated ? "mutation" : null) switch
        {
            (null, null) => "copy",
            ({ } c, null) => c,
            (null, { } m) => m,
            ({ } c, { } m) => $"{c}+{m}",
        };
        return (child, op);
    }

    private object Cross(Parameter p, object a, object b, SeededRandom random)
    {
        if (p is NumericParameter n && _settings.Crossover == CrossoverKind.Sbx)
            return n.FromUnit(SimulatedBinary(n.ToUnit(a), n.ToUnit(b), _settings.CrossoverEta, random));
        return random.NextDouble() < 0.5 ? a : b;
    }

    private object Mutate(Parameter p, object value, SeededRandom random)
    {
        switch (p)
        {
            case NumericParameter n:
                var u = n.ToUnit(value);
                var moved = _settings.Mutation == MutationKind.Polynomial
                    ? Polynomial(u, _settings.MutationEta, random)
                    : Reflect(u + _settings.MutationSigma * random.NextGaussian());
                var result = n.FromUnit(moved);
                // A step too small to leave an integer (or a step grid) moves to the neighbouring value instead.
                if (n.IsInteger || n.Step is not null)
                    if (ParameterValueComparer.Instance.Equals(result, n.Coerce(value)) && moved != u)
                        result = Neighbour(n, value, moved > u);
                return result;
            case CategoricalParameter c when c.Choices.Count > 1:
                var current = c.IndexOf(value);
                var other = random.NextInt(c.Choices.Count - 1);
                return c.Choices[other >= current ? other + 1 : other];
            default:
                return value;
        }
    }

    private static object Neighbour(NumericParameter n, object value, bool up)
    {
        var step = n.Step ?? 1;
        var v = ParameterValues.ToDouble(value) + (up ? step : -step);
        if (v > n.High || v < n.Low) v = ParameterValues.ToDouble(value) + (up ? -step : step);
        return n.Coerce(Math.Clamp(v, n.Low, n.High));
    }

    /// <summary>Deb's bounded simulated binary crossover of two unit-scale values; one of its two children.</summary>
    internal static double SimulatedBinary(double a, double b, double eta, SeededRandom random)
    {
        var r = random.NextDouble();
        var pickHigh = random.NextDouble() < 0.5;
        if (Math.Abs(a - b) < 1e-14) return a;
        var low = Math.Min(a, b);
        var high = Math.Max(a, b);
        var spread = high - low;
        double Child(double beta, double sign)
        {
            var alpha = 2 - Math.Pow(beta, -(eta + 1));
            var betaQ = r <= 1 / alpha
                ? Math.Pow(r * alpha, 1 / (eta + 1))
                : Math.Pow(1 / (2 - r * alpha), 1 / (eta + 1));
            return Math.Clamp(0.5 * (low + high + sign * betaQ * spread), 0, 1);
        }
        return pickHigh ? Child(1 + 2 * (1 - high) / spread, 1) : Child(1 + 2 * low / spread, -1);
    }

    /// <summary>Deb's bounded polynomial mutation of a unit-scale value.</summary>
    internal static double Polynomial(double u, double eta, SeededRandom random)
    {
        var r = random.NextDouble();
        var power = 1 / (eta + 1);
        double delta;
        if (r < 0.5)
        {
            var xy = 1 - u;
            var val = 2 * r + (1 - 2 * r) * Math.Pow(xy, eta + 1);
            delta = Math.Pow(val, power) - 1;
        }
        else
        {
            var xy = u;
            var val = 2 * (1 - r) + 2 * (r - 0.5) * Math.Pow(xy, eta + 1);
            delta = 1 - Math.Pow(val, power);
        }
        return Math.Clamp(u + delta, 0, 1);
    }

    private static double Reflect(double u)
    {
        u = Math.Abs(u) % 2;
        return u > 1 ? 2 - u : u;
    }
}
