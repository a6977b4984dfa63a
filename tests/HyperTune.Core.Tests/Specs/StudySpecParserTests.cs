using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Tests.Specs;

public class StudySpecParserTests
{
    private const string Valid = """
        {
          // comments are allowed
          "name": "branin-random",
          "objective": { "metric": "value", "direction": "minimize" },
          "trainable": { "type": "function", "function": "branin" },
          "space": [
            { "name": "x", "type": "float", "low": -5, "high": 10 },
            { "name": "y", "type": "float", "low": 0, "high": 15 },
            { "name": "opt", "type": "categorical", "choices": ["sgd", "adam", 3, true] },
            { "name": "m", "type": "float", "low": 0, "high": 1, "condition": { "parent": "opt", "values": ["sgd"] } },
            { "name": "units", "type": "int", "low": 8, "high": 512, "log": true }
          ],
          "optimizer": { "type": "random", "seed": 42 },
          "budget": { "maxTrials": 60, "parallelism": 4, "wallClockLimit": "10m" },
          "trialTimeout": "90s",
          "maxRetries": 2,
        }
        """;

    [Fact]
    public void A_valid_spec_parses_every_field()
    {
        var spec = StudySpecParser.Parse(Valid);
        Assert.Equal("branin-random", spec.Name);
        Assert.Equal(new ObjectiveSpec("value", StudyDirection.Minimize), spec.Objective);
        Assert.Equal("function", spec.Trainable.Type);
        Assert.Equal(5, spec.Space.Parameters.Count);
        Assert.Equal(new object[] { "sgd", "adam", 3L, true }, ((CategoricalParameter)spec.Space["opt"]).Choices);
        Assert.Equal("opt", spec.Space["m"].Condition!.Parent);
        Assert.True(((IntParameter)spec.Space["units"]).Log);
        Assert.Equal(("random", 42L), (spec.Optimizer.Type, spec.Optimizer.Seed));
        Assert.Equal(new BudgetSpec(60, 4, TimeSpan.FromMinutes(10)), spec.Budget);
        Assert.Equal(810L, StudySpecParser.Parse(Valid.Replace("\"10m\"", "\"10m\", \"maxSteps\": 810")).Budget.MaxSteps);
        Assert.Equal(TimeSpan.FromSeconds(90), spec.TrialTimeout);
        Assert.Equal(2, spec.MaxRetries);
    }

    [Theory]
    [InlineData("\"maxTrials\": 60", "\"maxTrial\": 60", "budget.maxTrial: unknown field; did you mean 'maxTrials'?")]
    [InlineData("\"maxTrials\": 60", "\"maxTrials\": 0", "budget.maxTrials: must be at least 1")]
    [InlineData("\"maxTrials\": 60", "\"maxTrials\": \"many\"", "budget.maxTrials: expected an integer, got \"many\"")]
    [InlineData("\"direction\": \"minimize\"", "\"direction\": \"down\"", "objective.direction: 'down' is not one of: minimize, maximize")]
    [InlineData("\"low\": -5, \"high\": 10", "\"low\": 10, \"high\": -5", "space[0]: parameter 'x': empty range")]
    [InlineData("\"low\": 8, \"high\": 512, \"log\": true", "\"low\": 0, \"high\": 512, \"log\": true", "space[4]: parameter 'units': log scale needs a positive low bound")]
    [InlineData("\"parent\": \"opt\"", "\"parent\": \"optim\"", "parameter 'm': condition refers to unknown parent 'optim'")]
    [InlineData("\"type\": \"random\"", "\"type\": \"randon\"", "optimizer.type: unknown optimizer 'randon'")]
    [InlineData("\"type\": \"random\", \"seed\": 42", "\"type\": \"random\", \"seed\": 42, \"gamma\": 1", "optimizer.gamma: unknown field")]
    [InlineData("\"trialTimeout\": \"90s\"", "\"trialTimeout\": \"soon\"", "trialTimeout: expected a duration")]
    [InlineData("\"name\": \"branin-random\"", "\"name\": \"bad name!\"", "name: 'bad name!' may only use")]
    [InlineData("\"type\": \"float\", \"low\": 0, \"high\": 15", "\"type\": \"double\", \"low\": 0, \"high\": 15", "space[1].type: 'double' is not one of: float, int, categorical")]
    [InlineData("\"wallClockLimit\": \"10m\"", "\"wallClockLimit\": \"10m\", \"maxSteps\": 0", "budget.maxSteps: must be at least 1")]
    [InlineData("\"function\": \"branin\" }", "\"function\": \"branin\", \"steps\": 27 }",
        "budget.maxSteps: 20 is less than one run of the trainable (27 steps)", "\"maxSteps\": 20")]
    public void A_malformed_spec_fails_naming_the_field_and_the_problem(string find, string replace, string expected,
        string? budgetExtra = null)
    {
        Assert.Contains(find, Valid);
        var spec = Valid.Replace(find, replace);
        if (budgetExtra is not null) spec = spec.Replace("\"wallClockLimit\": \"10m\"", "\"wallClockLimit\": \"10m\", " + budgetExtra);
        var e = Assert.Throws<SpecException>(() => StudySpecParser.Parse(spec));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Missing_required_fields_and_broken_json_are_named()
    {
        var misspelt = Assert.Throws<SpecException>(() => StudySpecParser.Parse(Valid.Replace("\"budget\"", "\"budgets\"")));
        Assert.Equal("budgets", misspelt.Path);
        Assert.Contains("did you mean 'budget'?", misspelt.Message);
        var missing = Assert.Throws<SpecException>(() => StudySpecParser.Parse(Valid.Replace("\"trainable\": { \"type\": \"function\", \"function\": \"branin\" },", "")));
        Assert.Equal("trainable: is required (an object)", missing.Message);
        var e = Assert.Throws<SpecException>(() => StudySpecParser.Parse("{ \"name\": "));
        Assert.Contains("invalid JSON at line 1", e.Message);
        Assert.Contains("cannot read spec file", Assert.Throws<SpecException>(() => StudySpecParser.ParseFile("/nonexistent/spec.json")).Message);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("5m", 300)]
    [InlineData("250ms", 0.25)]
    [InlineData("00:01:30", 90)]
    [InlineData("2h", 7200)]
    [InlineData("12", 12)]
    public void Durations_accept_common_forms(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), JsonSettings.ParseDuration(text));
}
