using HyperTune.Trainables.Functions;

namespace HyperTune.Trainables.Tests;

public class FidelityProblemTests
{
    private static double Value(string problem, Dictionary<string, object> p, long step) =>
        FidelityProblems.Find(problem)!.Curve(p, step);

    private static Dictionary<string, object> Point(params (string Name, object Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value);

    // Expected values computed once with python3 from shared/bench/fidelity.py (SUITE[name][1](params, t)).
    [Theory]
    [InlineData(1, 10.645850116268033)]
    [InlineData(9, 10.655783443489462)]
    [InlineData(27, 10.68856954084879)]
    public void Mf_branin_matches_the_python_definition(long step, double expected) =>
        Assert.Equal(expected, Value("mf-branin", Point(("x", 1.5), ("y", 4.0)), step), 10);

    [Theory]
    [InlineData(1, -3.281981409592145)]
    [InlineData(27, -3.3212456603515688)]
    public void Mf_hartmann6_matches_the_python_definition(long step, double expected)
    {
        var x = new[] { 0.2, 0.15, 0.48, 0.28, 0.31, 0.66 };
        var p = Enumerable.Range(0, 6).ToDictionary(i => $"x{i}", i => (object)x[i]);
        Assert.Equal(expected, Value("mf-hartmann6", p, step), 10);
    }

    [Theory]
    [InlineData(1, 2.3821786336287394)]
    [InlineData(3, 2.0255626211475786)]
    [InlineData(27, 0.6920741367357279)]
    public void Lc_crossing_matches_the_python_definition(long step, double expected) =>
        Assert.Equal(expected, Value("lc-crossing", Point(("lr", 0.01), ("x0", 0.1), ("x1", 0.9), ("x2", 0.5)), step), 10);

    [Theory]
    [InlineData(1e-3, 4L, "rmsprop", 1, 2.007224699566562)]
    [InlineData(1e-3, 4L, "rmsprop", 27, 0.8256418944442278)]
    [InlineData(3e-2, 11L, "sgd", 5, 3.263056174431303)]
    public void Lc_mixed_matches_the_python_definition(double lr, long depth, string opt, long step, double expected) =>
        Assert.Equal(expected, Value("lc-mixed", Point(("lr", lr), ("depth", depth), ("opt", opt)), step), 10);

    [Fact]
    public void The_suite_has_the_four_problems_in_the_reference_order_with_27_steps()
    {
        Assert.Equal(new[] { "mf-branin", "mf-hartmann6", "lc-crossing", "lc-mixed" }, FidelityProblems.All.Select(p => p.Name));
        Assert.All(FidelityProblems.All, p => Assert.Equal(27, p.Steps));
        Assert.Equal(6, FidelityProblems.Find("MF-HARTMANN6")!.Space.Parameters.Count);
        Assert.Null(FidelityProblems.Find("branin"));
    }

    [Fact]
    public void The_mf_optima_are_attained_at_the_known_minimizers_at_the_last_step()
    {
        Assert.Equal(0.397887, Value("mf-branin", Point(("x", Math.PI), ("y", 2.275)), 27), 5);
        var x = new[] { 0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573 };
        Assert.Equal(-3.32237, Value("mf-hartmann6", Enumerable.Range(0, 6).ToDictionary(i => $"x{i}", i => (object)x[i]), 27), 4);
    }

    [Fact]
    public void The_lc_crossing_optimum_is_reached_but_not_beaten_on_a_fine_grid()
    {
        var problem = FidelityProblems.Find("lc-crossing")!;
        var best = double.PositiveInfinity;
        // x at its center (any other x only adds to the final loss), log10(lr) on a fine grid over [-4, 0].
        for (var i = 0; i <= 40000; i++)
        {
            var lr = Math.Pow(10, -4 + i * 4.0 / 40000);
            best = Math.Min(best, problem.Curve(Point(("lr", lr), ("x0", 0.3), ("x1", 0.6), ("x2", 0.45)), 27));
        }
        Assert.InRange(best, problem.Optimum - 1e-9, problem.Optimum + 1e-6);
        Assert.True(problem.Curve(Point(("lr", 0.01), ("x0", 0.31), ("x1", 0.6), ("x2", 0.45)), 27) > problem.Optimum);
    }

    [Fact]
    public void The_lc_mixed_optimum_is_reached_but_not_beaten_on_a_fine_grid()
    {
        var problem = FidelityProblems.Find("lc-mixed")!;
        var best = double.PositiveInfinity;
        foreach (var opt in new[] { "sgd", "adam", "rmsprop" })
            for (var depth = 1L; depth <= 12; depth++)
                for (var i = 0; i <= 4000; i++)
                {
                    var lr = Math.Pow(10, -5 + i * 4.0 / 4000);
                    best = Math.Min(best, problem.Curve(Point(("lr", lr), ("depth", depth), ("opt", opt)), 27));
                }
        Assert.InRange(best, problem.Optimum - 1e-9, problem.Optimum + 1e-5);
    }

    [Fact]
    public void No_random_point_beats_an_optimum_at_the_last_step()
    {
        var random = new Random(12);
        foreach (var problem in FidelityProblems.All)
            for (var n = 0; n < 2000; n++)
            {
                var p = new Dictionary<string, object>();
                foreach (var parameter in problem.Space.Parameters)
                    p[parameter.Name] = parameter switch
                    {
                        HyperTune.Core.Spaces.FloatParameter f when f.Log =>
                            Math.Exp(Math.Log(f.Low) + random.NextDouble() * (Math.Log(f.High) - Math.Log(f.Low))),
                        HyperTune.Core.Spaces.FloatParameter f => f.Low + random.NextDouble() * (f.High - f.Low),
                        HyperTune.Core.Spaces.IntParameter i => (long)random.Next((int)i.LowValue, (int)i.HighValue + 1),
                        HyperTune.Core.Spaces.CategoricalParameter c => c.Choices[random.Next(c.Choices.Count)],
                        _ => throw new InvalidOperationException(parameter.ToString()),
                    };
                Assert.True(problem.Curve(p, 27) >= problem.Optimum - 1e-6, $"{problem.Name} at {string.Join(", ", p)}");
            }
    }
}
