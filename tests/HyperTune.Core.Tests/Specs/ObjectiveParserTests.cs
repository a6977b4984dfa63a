using System.Collections.Immutable;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Tests.Specs;

public class ObjectiveParserTests
{
    private const string Spec = """
        {
          "name": "mo",
          "objective": { "metrics": [ { "name": "loss", "direction": "minimize" }, { "name": "accuracy", "direction": "maximize" } ] },
          "constraints": [ { "metric": "memory_mb", "max": 512 }, { "metric": "latency_ms", "min": 1, "max": 20 } ],
          "trainable": { "type": "function", "function": "branin" },
          "space": [ { "name": "x", "type": "float", "low": -5, "high": 10 }, { "name": "y", "type": "float", "low": 0, "high": 15 } ],
          "optimizer": { "type": "OPTIMIZER" },
          "budget": { "maxTrials": 10 }
        }
        """;

    [Fact]
    public void Several_metrics_and_constraints_parse_into_the_objective()
    {
        var objective = StudySpecParser.Parse(Spec.Replace("OPTIMIZER", "evolution")).Objective;
        Assert.True(objective.IsMultiObjective);
        Assert.Equal(("loss", StudyDirection.Minimize), (objective.Metric, objective.Direction));
        Assert.Equal(new[] { new ObjectiveMetric("loss", StudyDirection.Minimize), new ObjectiveMetric("accuracy", StudyDirection.Maximize) },
            objective.Metrics);
        Assert.Equal(new[] { new MetricConstraint("memory_mb", null, 512), new MetricConstraint("latency_ms", 1, 20) }, objective.Constraints);
    }

    [Theory]
    [InlineData("cmaes")]
    [InlineData("coarse-to-fine")]
    [InlineData("rf")]
    public void A_single_objective_optimizer_is_refused_for_several_objectives_naming_the_ones_that_serve(string type)
    {
        var e = Assert.Throws<SpecException>(() => StudySpecParser.Parse(Spec.Replace("OPTIMIZER", type)));
        Assert.Equal("optimizer.type", e.Path);
        Assert.Contains($"'{type}' optimizes a single objective; this study has 2 (loss, accuracy)", e.Message);
        Assert.Contains("evolution", e.Message);
    }

    [Theory]
    [InlineData("\"metrics\": [ {", "\"metric\": \"x\", \"metrics\": [ {", "objective.metrics: give either 'metric' and 'direction' or 'metrics'")]
    [InlineData("{ \"name\": \"accuracy\", \"direction\": \"maximize\" }", "{ \"name\": \"loss\", \"direction\": \"maximize\" }", "objective.metrics: names 'loss' more than once")]
    [InlineData("\"direction\": \"maximize\" }", "\"direction\": \"up\" }", "objective.metrics[1].direction: 'up' is not one of")]
    [InlineData("\"metric\": \"memory_mb\", \"max\": 512", "\"metric\": \"memory_mb\"", "constraints[0]: needs 'min', 'max' or both")]
    [InlineData("\"min\": 1, \"max\": 20", "\"min\": 30, \"max\": 20", "constraints[1]: min 30 is above max 20")]
    [InlineData("\"metric\": \"memory_mb\"", "\"metric\": \"loss\"", "constraints[0].metric: 'loss' is an objective")]
    [InlineData("\"max\": 512 }", "\"max\": 512, \"limit\": 3 }", "constraints[0].limit: unknown field")]
    public void A_malformed_objective_or_constraint_is_named(string find, string replace, string expected)
    {
        Assert.Contains(find, Spec);
        var e = Assert.Throws<SpecException>(() => StudySpecParser.Parse(Spec.Replace(find, replace).Replace("OPTIMIZER", "random")));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Five_objectives_are_too_many()
    {
        var five = string.Join(", ", Enumerable.Range(0, 5).Select(i => $"{{ \"name\": \"m{i}\", \"direction\": \"minimize\" }}"));
        var spec = Spec.Replace("{ \"name\": \"loss\", \"direction\": \"minimize\" }, { \"name\": \"accuracy\", \"direction\": \"maximize\" }", five)
            .Replace("OPTIMIZER", "random");
        var e = Assert.Throws<SpecException>(() => StudySpecParser.Parse(spec));
        Assert.Contains("objective.metrics: must list 1 to 4 objectives, not 5", e.Message);
    }

    [Fact]
    public void A_history_judges_feasibility_and_its_front_by_constrained_domination()
    {
        var objective = StudySpecParser.Parse(Spec.Replace("OPTIMIZER", "random")).Objective;
        TrialRecord Trial(int n, double loss, double accuracy, double memory) =>
            new(n, TrialState.Complete, Core.Spaces.Configuration.Empty)
            {
                Value = loss,
                Metrics = new Dictionary<string, double> { ["loss"] = loss, ["accuracy"] = accuracy, ["memory_mb"] = memory, ["latency_ms"] = 5 }
                    .ToImmutableDictionary(),
            };
        var history = objective.History(new[]
        {
            Trial(0, 0.1, 0.99, 900), // best in both objectives but breaks the memory bound
            Trial(1, 0.3, 0.90, 500),
            Trial(2, 0.2, 0.80, 400),
            Trial(3, 0.4, 0.85, 100), // dominated by 1
        });
        Assert.False(history.IsFeasible(history.Trials[0]));
        Assert.Equal(388, history.Violation(history.Trials[0]));
        Assert.Equal(new[] { 1, 2 }, history.ParetoFront.Select(t => t.Number));
        Assert.Equal(new[] { 0.3, -0.90 }, history.Losses(history.Trials[1]));
        Assert.Equal(2, history.Best!.Number);
    }
}
