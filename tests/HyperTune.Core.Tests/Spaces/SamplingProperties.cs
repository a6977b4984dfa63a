using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using HyperTune.Core.Randomness;
using HyperTune.Core.Spaces;

namespace HyperTune.Core.Tests.Spaces;

public class SamplingProperties
{
    private static readonly SearchSpace Space = SearchSpaceTests.ValidConditionalSpace();

    [Property(MaxTest = 500)]
    public bool Every_sample_lies_in_the_space_and_respects_conditions(long seed)
    {
        var config = Space.Sample(new SeededRandom(seed));
        var problems = Space.Check(config);
        var momentumActive = (string)config["optimizer"] == "sgd";
        return problems.Count == 0 && config.ContainsKey("momentum") == momentumActive && config.ContainsKey("nesterov") == momentumActive;
    }

    [Property(MaxTest = 300)]
    public Property Unit_mapping_always_yields_a_legal_value(double u, long low, int width, bool log)
    {
        var lo = Math.Abs(low % 1000) + 1;
        var hi = lo + Math.Abs(width % 5000);
        var p = new IntParameter("p", lo, hi, Log: log);
        var value = p.FromUnit(double.IsFinite(u) ? u : 0.5);
        return p.Contains(value).Label($"{value} in {p.Describe()}");
    }

    [Property(MaxTest = 300)]
    public bool Float_sampling_stays_in_bounds_on_log_scales(long seed)
    {
        var p = new FloatParameter("lr", 1e-7, 3.0, Log: true);
        var rng = new SeededRandom(seed);
        return Enumerable.Range(0, 20).All(_ => p.Contains(p.Sample(rng)));
    }
}
