using HyperTune.Trainables.Functions;

namespace HyperTune.Trainables.Tests;

public class BenchmarkFunctionTests
{
    [Theory]
    [InlineData(-Math.PI, 12.275)]
    [InlineData(Math.PI, 2.275)]
    [InlineData(9.42478, 2.475)]
    public void Branin_reaches_its_optimum_at_the_three_known_minimizers(double x, double y) =>
        Assert.Equal(0.397887, BenchmarkFunctions.Branin(new[] { x, y }), 5);

    [Fact]
    public void Hartmann_functions_reach_their_published_optima()
    {
        Assert.Equal(-3.86278, BenchmarkFunctions.Hartmann3(new[] { 0.114614, 0.555649, 0.852547 }), 4);
        Assert.Equal(-3.32237, BenchmarkFunctions.Hartmann6(new[] { 0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573 }), 4);
    }

    [Fact]
    public void Any_dimension_functions_have_their_minimum_where_expected()
    {
        Assert.Equal(0, BenchmarkFunctions.Rosenbrock(Enumerable.Repeat(1.0, 4).ToArray()), 12);
        Assert.Equal(0, BenchmarkFunctions.Ackley(new double[5]), 12);
        Assert.Equal(0, BenchmarkFunctions.Levy(Enumerable.Repeat(1.0, 4).ToArray()), 12);
        // The reference optimum constant (-39.16599 per dimension) is rounded; the true minimum is 0.0002 lower.
        Assert.Equal(-39.16599 * 8, BenchmarkFunctions.StyblinskiTang(Enumerable.Repeat(-2.903534, 8).ToArray()), 2);
        // Away from the minimum the value is larger.
        Assert.True(BenchmarkFunctions.Rosenbrock(new[] { 0.5, 0.5, 0.5, 0.5 }) > 1);
    }

    [Fact]
    public void The_suite_matches_the_shared_reference_problems()
    {
        Assert.Equal(new[] { "branin", "hartmann3", "hartmann6", "rosenbrock4", "ackley5", "levy4", "styblinski8", "mixed" },
            BenchmarkSuite.Problems.Select(p => p.Name));
        var mixed = BenchmarkSuite.Find("mixed")!;
        Assert.Equal(0, mixed.Evaluate(new Dictionary<string, object> { ["lr"] = Math.Pow(10, -2.5), ["depth"] = 7L, ["opt"] = "adam" }), 12);
        Assert.Equal(0.3 + 0.05, mixed.Evaluate(new Dictionary<string, object> { ["lr"] = Math.Pow(10, -2.5), ["depth"] = 6L, ["opt"] = "sgd" }), 12);
        Assert.Equal(8, BenchmarkSuite.Find("styblinski8")!.Space.Parameters.Count);
        Assert.Equal(-32.768, ((HyperTune.Core.Spaces.FloatParameter)BenchmarkSuite.Find("ackley5")!.Space["x0"]).Low);
    }
}
