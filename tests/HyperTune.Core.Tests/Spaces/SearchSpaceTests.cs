using HyperTune.Core.Randomness;
using HyperTune.Core.Spaces;

namespace HyperTune.Core.Tests.Spaces;

public class SearchSpaceTests
{
    internal static SearchSpace ConditionalSpace() => new(
        new CategoricalParameter("optimizer", new object[] { "sgd", "adam" }),
        new FloatParameter("lr", 1e-5, 1e-1, Log: true),
        new FloatParameter("momentum", 0, 0.99) { Condition = new ParameterCondition("optimizer", new object[] { "sgd" }) },
        new CategoricalParameter("nesterov", new object[] { true, false }) { Condition = new ParameterCondition("momentum", new object[] { 0.5 }) with { } },
        new IntParameter("layers", 1, 8),
        new IntParameter("units", 16, 1024, Log: true),
        new IntParameter("batch", 32, 256, IntStep: 32),
        new FloatParameter("dropout", 0, 0.5, Step: 0.1));

    [Theory]
    [InlineData("low 5 is greater than high 1")]
    public void Empty_float_range_is_rejected_naming_the_parameter(string expected)
    {
        var e = Assert.Throws<SearchSpaceException>(() => new SearchSpace(new FloatParameter("lr", 5, 1)));
        Assert.Equal("lr", e.Parameter);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Log_scale_with_non_positive_bound_is_rejected()
    {
        var e = Assert.Throws<SearchSpaceException>(() => new SearchSpace(new FloatParameter("lr", 0, 1, Log: true)));
        Assert.Contains("log scale needs a positive low bound", e.Message);
        var e2 = Assert.Throws<SearchSpaceException>(() => new SearchSpace(new IntParameter("units", -1, 10, Log: true)));
        Assert.Equal("units", e2.Parameter);
    }

    [Fact]
    public void Unknown_parent_duplicate_names_and_cycles_are_rejected()
    {
        var unknown = Assert.Throws<SearchSpaceException>(() => new SearchSpace(
            new FloatParameter("m", 0, 1) { Condition = new ParameterCondition("opt", new object[] { "sgd" }) }));
        Assert.Contains("unknown parent 'opt'", unknown.Message);

        var duplicate = Assert.Throws<SearchSpaceException>(() => new SearchSpace(new FloatParameter("x", 0, 1), new IntParameter("x", 0, 1)));
        Assert.Contains("duplicate", duplicate.Message);

        var cycle = Assert.Throws<SearchSpaceException>(() => new SearchSpace(
            new CategoricalParameter("a", new object[] { "p" }) { Condition = new ParameterCondition("b", new object[] { "q" }) },
            new CategoricalParameter("b", new object[] { "q" }) { Condition = new ParameterCondition("a", new object[] { "p" }) }));
        Assert.Contains("cycle", cycle.Message);
    }

    [Fact]
    public void Condition_on_a_numeric_parent_or_a_value_that_is_not_a_choice_is_rejected()
    {
        Assert.Contains("must be categorical", Assert.Throws<SearchSpaceException>(() => ConditionalSpace()).Message);
        var e = Assert.Throws<SearchSpaceException>(() => new SearchSpace(
            new CategoricalParameter("opt", new object[] { "sgd" }),
            new FloatParameter("m", 0, 1) { Condition = new ParameterCondition("opt", new object[] { "adamw" }) }));
        Assert.Contains("\"adamw\"".Trim('"'), e.Message);
    }

    internal static SearchSpace ValidConditionalSpace() => new(
        new FloatParameter("momentum", 0, 0.99) { Condition = new ParameterCondition("optimizer", new object[] { "sgd" }) },
        new CategoricalParameter("optimizer", new object[] { "sgd", "adam" }),
        new CategoricalParameter("nesterov", new object[] { true, false }) { Condition = new ParameterCondition("optimizer", new object[] { "sgd" }) },
        new FloatParameter("lr", 1e-5, 1e-1, Log: true),
        new IntParameter("layers", 1, 8),
        new IntParameter("units", 16, 1024, Log: true),
        new IntParameter("batch", 32, 256, IntStep: 32),
        new FloatParameter("dropout", 0, 0.5, Step: 0.1));

    [Fact]
    public void Parents_are_ordered_before_their_children()
    {
        var names = ValidConditionalSpace().Parameters.Select(p => p.Name).ToList();
        Assert.True(names.IndexOf("optimizer") < names.IndexOf("momentum"));
        Assert.True(names.IndexOf("optimizer") < names.IndexOf("nesterov"));
    }

    [Fact]
    public void Check_reports_unknown_missing_inactive_and_out_of_range_parameters()
    {
        var space = ValidConditionalSpace();
        var config = new Dictionary<string, object>
        {
            ["optimizer"] = "adam", ["momentum"] = 0.5, ["lr"] = 2.0, ["layers"] = 3L, ["units"] = 64L, ["batch"] = 33L, ["bogus"] = 1.0,
        };
        var problems = space.Check(config);
        Assert.Contains(problems, p => p.Contains("unknown parameter 'bogus'"));
        Assert.Contains(problems, p => p.Contains("'momentum' is inactive"));
        Assert.Contains(problems, p => p.Contains("'lr' value 2 is outside"));
        Assert.Contains(problems, p => p.Contains("'batch' value 33"));
        Assert.Contains(problems, p => p.Contains("'dropout' is missing"));
    }

    [Fact]
    public void Log_int_and_step_parameters_round_trip_through_the_unit_interval()
    {
        var units = new IntParameter("units", 16, 1024, Log: true);
        foreach (var v in new long[] { 16, 17, 100, 1023, 1024 })
            Assert.Equal(v, units.FromUnit(units.ToUnit(v)));
        var dropout = new FloatParameter("dropout", 0, 0.5, Step: 0.1);
        Assert.Equal(0.3, (double)dropout.FromUnit(0.61), 12);
        var batch = new IntParameter("batch", 32, 256, IntStep: 32);
        Assert.Equal(256L, batch.FromUnit(1.0));
        Assert.Equal(32L, batch.FromUnit(0.0));
    }

    [Fact]
    public void Grid_values_are_log_spaced_on_log_scales()
    {
        var lr = new FloatParameter("lr", 1e-4, 1, Log: true);
        var values = lr.GridValues(5).Cast<double>().ToArray();
        Assert.Equal(new[] { 1e-4, 1e-3, 1e-2, 1e-1, 1 }, values.Select(v => Math.Round(v, 10)));
        Assert.Equal(new object[] { 32L, 64L, 96L, 128L }, new IntParameter("b", 32, 128, IntStep: 32).GridValues(2));
    }

    [Fact]
    public void Sampling_is_deterministic_for_a_seed()
    {
        var space = ValidConditionalSpace();
        var a = Enumerable.Range(0, 20).Select(i => space.Sample(SeededRandom.Derive(7, i))).ToList();
        var b = Enumerable.Range(0, 20).Select(i => space.Sample(SeededRandom.Derive(7, i))).ToList();
        var c = Enumerable.Range(0, 20).Select(i => space.Sample(SeededRandom.Derive(8, i))).ToList();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }
}
