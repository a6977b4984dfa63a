using System.Diagnostics;
using System.Text;
using HyperTune.Core.Specs;

namespace HyperTune.Core.Tests.Specs;

public class SpecLimitsTests
{
    private static readonly SpecLimits Small = new(
        MaxSpecBytes: 100_000, MaxCategoricalChoices: 5, MaxGridPoints: 36, MaxParameters: 3, MaxChoiceLength: 5,
        MaxModelDimensions: 4);

    private static string Spec(string space, string optimizer = """{ "type": "random" }""", string description = "") => $$"""
        {
          "name": "limits",
          "description": "{{description}}",
          "objective": { "metric": "value", "direction": "minimize" },
          "trainable": { "type": "function", "function": "ackley" },
          "space": {{space}},
          "optimizer": {{optimizer}},
          "budget": { "maxTrials": 10 }
        }
        """;

    private static string Choices(int count, Func<int, string>? choice = null) =>
        "[" + string.Join(",", Enumerable.Range(0, count).Select(choice ?? (i => i.ToString()))) + "]";

    private static string CategoricalSpace(int choices, Func<int, string>? choice = null) =>
        $$"""[{ "name": "x0", "type": "float", "low": 0, "high": 1 }, { "name": "c", "type": "categorical", "choices": {{Choices(choices, choice)}} }]""";

    [Fact]
    public void A_spec_at_the_size_limit_parses_and_one_byte_more_is_refused_naming_the_limit()
    {
        var json = Spec(CategoricalSpace(2));
        var bytes = Encoding.UTF8.GetByteCount(json);
        Assert.Equal("limits", StudySpecParser.Parse(json, Small with { MaxSpecBytes = bytes }).Name);

        var e = Assert.Throws<SpecException>(() => StudySpecParser.Parse(json, Small with { MaxSpecBytes = bytes - 1 }));
        Assert.Contains($"the spec is {bytes} bytes, more than the limit of {bytes - 1} bytes", e.Message);
        Assert.Contains("hypertune.limits.max-spec-bytes", e.Message);
    }

    [Fact]
    public void The_size_limit_counts_utf8_bytes_not_characters()
    {
        var json = Spec(CategoricalSpace(2), description: "\u00e9\u00e9\u00e9\u00e9");
        Assert.Equal(json.Length + 4, Encoding.UTF8.GetByteCount(json));
        var e = Assert.Throws<SpecException>(() => StudySpecParser.Parse(json, Small with { MaxSpecBytes = json.Length }));
        Assert.Contains($"the spec is {json.Length + 4} bytes", e.Message);
    }

    [Fact]
    public void A_categorical_at_the_choice_limit_parses_and_one_more_choice_is_refused()
    {
        Assert.Equal(5, ((Core.Spaces.CategoricalParameter)StudySpecParser.Parse(Spec(CategoricalSpace(5)), Small).Space["c"]).Choices.Count);

        var e = Assert.Throws<SpecException>(() => StudySpecParser.Parse(Spec(CategoricalSpace(6)), Small));
        Assert.Equal("space[1].choices", e.Path);
        Assert.Contains("has 6 choices, more than the limit of 5 (hypertune.limits.max-categorical-choices)", e.Message);
    }

    [Fact]
    public void Condition_values_count_against_the_choice_limit()
    {
        string Space(int values) => $$"""
            [{ "name": "x0", "type": "float", "low": 0, "high": 1 },
             { "name": "c", "type": "categorical", "choices": [0, 1, 2, 3, 4] },
             { "name": "m", "type": "float", "low": 0, "high": 1, "condition": { "parent": "c", "values": {{Choices(values, i => (i % 5).ToString())}} } }]
            """;
        Assert.NotNull(StudySpecParser.Parse(Spec(Space(5)), Small));
        var e = Assert.Throws<SpecException>(() => StudySpecParser.Parse(Spec(Space(6)), Small));
        Assert.Equal("space[2].condition.values", e.Path);
        Assert.Contains("has 6 condition values, more than the limit of 5", e.Message);
    }

    [Fact]
    public void A_string_choice_at_the_length_limit_parses_and_a_longer_one_is_refused()
    {
        Assert.NotNull(StudySpecParser.Parse(Spec(CategoricalSpace(2, i => $"\"{new string('a', 4 + i)}\"")), Small));
        var e = Assert.Throws<SpecException>(() => StudySpecParser.Parse(Spec(CategoricalSpace(2, i => $"\"{new string('a', 5 + i)}\"")), Small));
        Assert.Equal("space[1].choices[1]", e.Path);
        Assert.Contains("is 6 characters long, more than the limit of 5 (hypertune.limits.max-choice-length)", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_space_at_the_parameter_limit_parses_and_one_more_parameter_is_refused(bool asObject)
    {
        string Space(int n) => asObject
            ? "{" + string.Join(",", Enumerable.Range(0, n).Select(i => $$"""
                "x{{i}}": { "type": "float", "low": 0, "high": 1 }
                """)) + "}"
            : "[" + string.Join(",", Enumerable.Range(0, n).Select(i => $$"""
                { "name": "x{{i}}", "type": "float", "low": 0, "high": 1 }
                """)) + "]";
        Assert.Equal(3, StudySpecParser.Parse(Spec(Space(3)), Small).Space.Parameters.Count);
        var e = Assert.Throws<SpecException>(() => StudySpecParser.Parse(Spec(Space(4)), Small));
        Assert.Equal("space", e.Path);
        Assert.Contains("has 4 parameters, more than the limit of 3 (hypertune.limits.max-parameters)", e.Message);
    }

    [Fact]
    public void A_grid_at_the_point_limit_parses_and_a_larger_one_is_refused_before_it_is_enumerated()
    {
        // sgd: 3 m * 3 x0 = 9; adam: 3 x0; 12 points in all.
        const string space = """
            [{ "name": "opt", "type": "categorical", "choices": ["sgd", "adam"] },
             { "name": "m", "type": "float", "low": 0, "high": 1, "condition": { "parent": "opt", "values": ["sgd"] } },
             { "name": "x0", "type": "int", "low": 1, "high": 3 }]
            """;
        const string grid = """{ "type": "grid", "gridPoints": 3 }""";
        var limits = Small with { MaxParameters = 10 };
        Assert.NotNull(StudySpecParser.Parse(Spec(space, grid), limits with { MaxGridPoints = 12 }));

        var e = Assert.Throws<SpecException>(() => StudySpecParser.Parse(Spec(space, grid), limits with { MaxGridPoints = 11 }));
        Assert.Equal("optimizer", e.Path);
        Assert.Contains("the grid has 12 points, more than the limit of 11 (hypertune.limits.max-grid-points)", e.Message);
    }

    [Fact]
    public void A_grid_too_large_to_list_or_to_count_in_a_long_is_refused_with_the_default_limits()
    {
        // Listing the values of these stepped ranges would need more memory than any machine has.
        const string space = """
            [{ "name": "x0", "type": "int", "low": -9223372036854775808, "high": 9223372036854775807, "step": 1 },
             { "name": "x1", "type": "float", "low": 0, "high": 1e300, "step": 1e-300 }]
            """;
        var e = Assert.Throws<SpecException>(() => StudySpecParser.Parse(Spec(space, """{ "type": "grid" }""")));
        Assert.Contains($"the grid has over {long.MaxValue} points, more than the limit of 1000000", e.Message);
    }

    [Fact]
    public void The_plain_parse_applies_the_default_limits_and_unlimited_parses_admitted_specs()
    {
        var json = Spec(CategoricalSpace(SpecLimits.Default.MaxCategoricalChoices + 1));
        var e = Assert.Throws<SpecException>(() => StudySpecParser.Parse(json));
        Assert.Contains($"more than the limit of {SpecLimits.Default.MaxCategoricalChoices}", e.Message);
        Assert.NotNull(StudySpecParser.Parse(json, SpecLimits.Unlimited));
    }

    [Fact]
    public void A_categorical_with_a_million_choices_is_refused_without_being_checked_pairwise()
    {
        var json = Spec(CategoricalSpace(1_000_000));
        // A million choices do not fit the default spec size; a raised size limit lets the choice limit answer.
        var limits = SpecLimits.Default with { MaxSpecBytes = 64 * 1024 * 1024 };
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<SpecException>(() => StudySpecParser.Parse(json, limits));
        // Only a guard against quadratic work (which never ended); the refusal takes well under a second.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal("space[1].choices", e.Path);
        Assert.Contains("has 1000000 choices, more than the limit of 10000", e.Message);
    }

    [Fact]
    public void A_hundred_thousand_choices_under_a_raised_limit_are_checked_for_duplicates_in_linear_time()
    {
        var limits = SpecLimits.Default with { MaxCategoricalChoices = 100_000, MaxSpecBytes = 10_000_000 };
        var clock = Stopwatch.StartNew();
        var distinct = StudySpecParser.Parse(Spec(CategoricalSpace(100_000, i => $"\"c{i}\"")), limits);
        Assert.Equal(100_000, ((Core.Spaces.CategoricalParameter)distinct.Space["c"]).Choices.Count);
        // The last choice repeats the first one, and 1.0 repeats 1: both are found.
        var e = Assert.Throws<SpecException>(() =>
            StudySpecParser.Parse(Spec(CategoricalSpace(100_000, i => i == 99_999 ? "\"c0\"" : $"\"c{i}\"")), limits));
        Assert.Contains("choice c0 is listed twice", e.Message);
        var numeric = Assert.Throws<SpecException>(() =>
            StudySpecParser.Parse(Spec(CategoricalSpace(100_000, i => i == 99_999 ? "1.0" : i.ToString())), limits));
        Assert.Contains("choice 1 is listed twice", numeric.Message);
        // A pairwise check takes hours here (10,000 choices took 20 s); a linear one well under a second.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Every_limit_must_be_positive()
    {
        Assert.Same(SpecLimits.Default, SpecLimits.Default.Validated());
        Assert.Throws<ArgumentException>(() => (SpecLimits.Default with { MaxGridPoints = 0 }).Validated());
    }
    [Theory]
    [InlineData("gp")]
    [InlineData("rf")]
    [InlineData("cmaes")]
    public void A_model_optimizer_within_the_dimension_limit_parses_and_one_dimension_more_is_refused(string optimizer)
    {
        var limits = Small with { MaxParameters = 10 };
        static string Floats(int n) => "[" + string.Join(",", Enumerable.Range(0, n).Select(i => $$"""
            { "name": "x{{i}}", "type": "float", "low": 0, "high": 1 }
            """)) + "]";
        var type = $$"""{ "type": "{{optimizer}}" }""";
        Assert.Equal(optimizer, StudySpecParser.Parse(Spec(Floats(4), type), limits).Optimizer.Type);
        var e = Assert.Throws<SpecException>(() => StudySpecParser.Parse(Spec(Floats(5), type), limits));
        Assert.Equal("optimizer.type", e.Path);
        Assert.Contains($"the {optimizer} optimizer would model this space in 5 dimensions", e.Message);
        Assert.Contains("more than the limit of 4 (hypertune.limits.max-model-dimensions); use tpe, random or sobol",
            e.Message);
        // Other optimizers do not model coordinates: the same space is accepted.
        Assert.NotNull(StudySpecParser.Parse(Spec(Floats(5), """{ "type": "tpe" }"""), limits));
    }

    [Fact]
    public void A_categorical_counts_one_model_dimension_per_choice()
    {
        // x0 and 3 choices: 4 coordinates; x0 and 4 choices: 5.
        Assert.NotNull(StudySpecParser.Parse(Spec(CategoricalSpace(3), """{ "type": "gp" }"""), Small));
        var gp = """{ "type": "gp" }""";
        var e = Assert.Throws<SpecException>(() => StudySpecParser.Parse(Spec(CategoricalSpace(4), gp), Small));
        Assert.Contains("the gp optimizer would model this space in 5 dimensions", e.Message);
    }
}
