using System.Text.Json;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Tests.Optimizers;

public class InitialPointsOptimizerTests
{
    private static readonly SearchSpace Space = new(new FloatParameter("x", 0, 1), new IntParameter("n", 1, 5),
        new CategoricalParameter("kind", ["a", "b"]));

    private static OptimizerSpec Spec(string json) =>
        new("random", 3, JsonDocument.Parse(json).RootElement.Clone());

    [Fact]
    public void Listed_configurations_come_first_in_order_then_the_optimizer_takes_over()
    {
        var optimizer = OptimizerFactory.Create(Spec("""
            {"type": "random", "initial": [{"x": 0.5, "n": 2, "kind": "b"}, {"x": 0, "n": 5, "kind": "a"}]}
            """), Space, StudyDirection.Minimize);
        var history = TrialHistory.Empty(StudyDirection.Minimize);
        var first = optimizer.Ask(history, 0).Suggestion!;
        Assert.Equal((0.5, 2L, "b"), (first.Params.GetDouble("x"), (long)first.Params["n"], (string)first.Params["kind"]));
        Assert.Equal("0", first.Attributes[InitialPointsOptimizer.Attribute]);
        Assert.Equal(5L, optimizer.Ask(history, 1).Suggestion!.Params["n"]);
        var third = optimizer.Ask(history, 2).Suggestion!;
        Assert.False(third.Attributes.ContainsKey(InitialPointsOptimizer.Attribute));
        Assert.Equal(OptimizerFactory.Create(OptimizerSpec.Of("random", 3), Space, StudyDirection.Minimize)
            .Ask(history, 2).Suggestion!.Params, third.Params);
    }

    [Theory]
    [InlineData("""[{"x": 2, "n": 1, "kind": "a"}]""", "optimizer.initial[0].x")]
    [InlineData("""[{"x": 0.1, "n": 1}]""", "optimizer.initial[0]")]
    [InlineData("""[{"x": 0.1, "n": 1, "kind": "a", "y": 1}]""", "optimizer.initial[0].y")]
    [InlineData("""[3]""", "optimizer.initial[0]")]
    [InlineData("""{"x": 1}""", "optimizer.initial")]
    public void A_listed_configuration_outside_the_space_is_refused_by_path(string initial, string path)
    {
        var e = Assert.Throws<SpecException>(() =>
            OptimizerFactory.Create(Spec($$"""{"type": "tpe", "initial": {{initial}}}"""), Space, StudyDirection.Minimize));
        Assert.Equal(path, e.Path);
    }
}
