using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Trainables.Functions;

namespace HyperTune.Trainables.Tests;

public sealed class ConditionalPipelineProblemTests
{
    public static TheoryData<Dictionary<string, object>, double> ReferencePoints => new()
    {
        // Values printed by shared/bench/conditional.py's cond_pipeline for the same points.
        { new() { ["model"] = "svm", ["C"] = 10.0, ["gamma"] = 0.01 }, 0.1262 },
        { new() { ["model"] = "forest", ["n_trees"] = 300L, ["max_depth"] = 12L, ["max_features"] = 0.5 }, 0.12039024805293214 },
        { new() { ["model"] = "boosting", ["lr"] = 0.05, ["rounds"] = 400L, ["depth"] = 3L, ["subsample"] = 0.6 }, 0.16378360494066174 },
        { new() { ["model"] = "net", ["optimizer"] = "sgd", ["net_lr"] = 0.003, ["width"] = 64L, ["layers"] = 5L }, 0.46551155354706286 },
        { new() { ["model"] = "net", ["optimizer"] = "adam", ["net_lr"] = Math.Pow(10, -3.3), ["width"] = 256L, ["layers"] = 3L }, 0.05 },
    };

    [Theory]
    [MemberData(nameof(ReferencePoints))]
    public void It_evaluates_as_the_python_reference_does(Dictionary<string, object> point, double expected) =>
        Assert.Equal(expected, ConditionalPipelineProblem.Evaluate(point), 12);

    [Fact]
    public void Only_the_chosen_branchs_parameters_are_active()
    {
        var space = ConditionalPipelineProblem.Space;
        var net = new Dictionary<string, object> { ["model"] = "net" };
        Assert.True(space.IsActive(space["optimizer"], net));
        Assert.True(space.IsActive(space["net_lr"], net));
        Assert.False(space.IsActive(space["rounds"], net));
        Assert.False(space.IsActive(space["C"], new Dictionary<string, object> { ["model"] = "forest" }));
    }

    [Fact]
    public void It_is_a_built_in_function_and_a_spec_must_give_its_whole_hierarchy()
    {
        Assert.Contains(ConditionalPipelineProblem.Name, FunctionTrainable.FunctionNames);
        Assert.NotNull(BenchmarkSuite.Find("cond-pipeline"));
        Assert.DoesNotContain(BenchmarkSuite.Problems, p => p.Name == "cond-pipeline");
        var partial = new SearchSpace(new CategoricalParameter("model", new object[] { "svm", "net" }));
        var e = Assert.Throws<SpecException>(() => new FunctionTrainable(
            JsonSettings.Parse("""{"function": "cond-pipeline"}""", "trainable"), partial));
        Assert.Contains("needs parameter(s) C, gamma", e.Message);
    }
}
