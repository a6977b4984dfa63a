using System.Diagnostics;
using HyperTune.Core.Analysis;
using HyperTune.Core.Randomness;
using HyperTune.Core.Spaces;
using Xunit.Abstractions;

namespace HyperTune.Core.Tests.Analysis;

public class ParameterImportanceTests(ITestOutputHelper output)
{
    private static readonly SearchSpace Cube3 = new(
        new FloatParameter("x1", 0, 1), new FloatParameter("x2", 0, 1), new FloatParameter("x3", 0, 1));

    private static List<(Configuration Params, double Value)> Sample(SearchSpace space, int count, long seed,
        Func<Configuration, double> objective)
    {
        var random = new SeededRandom(seed);
        return Enumerable.Range(0, count).Select(_ => space.Sample(random)).Select(c => (c, objective(c))).ToList();
    }

    private static double Share(IReadOnlyList<ImportanceEntry> result, string name) =>
        result.Single(e => e.Parameter == name).Importance;

    private void Print(IReadOnlyList<ImportanceEntry> result) =>
        output.WriteLine(string.Join(", ", result.Select(e => $"{e.Parameter}={e.Importance:F4}")));

    private static void AssertIsDistribution(IReadOnlyList<ImportanceEntry> result, SearchSpace space)
    {
        Assert.Equal(space.Parameters.Select(p => p.Name).Order(), result.Select(e => e.Parameter).Order());
        Assert.All(result, e => Assert.InRange(e.Importance, 0.0, 1.0));
        Assert.Equal(1.0, result.Sum(e => e.Importance), 9);
        Assert.Equal(result.Select(e => e.Importance).OrderDescending(), result.Select(e => e.Importance));
    }

    [Fact]
    public void An_additive_function_is_attributed_in_proportion_to_each_term_s_variance()
    {
        // f = 10 x1 + 2 x2 + 0 x3 on the uniform cube: Var = 100/12, 4/12 and 0, a 25:1 ratio between x1 and x2.
        var trials = Sample(Cube3, 300, 7, c => 10 * c.GetDouble("x1") + 2 * c.GetDouble("x2") + 0 * c.GetDouble("x3"));
        var result = ParameterImportance.Compute(Cube3, trials, seed: 1);
        Print(result);
        AssertIsDistribution(result, Cube3);
        var (x1, x2, x3) = (Share(result, "x1"), Share(result, "x2"), Share(result, "x3"));
        Assert.Equal(new[] { "x1", "x2", "x3" }, result.Select(e => e.Parameter));
        Assert.True(x1 > 0.8, $"x1 {x1}");
        Assert.True(x1 > x2 && x2 > x3, $"x1 {x1}, x2 {x2}, x3 {x3}");
        Assert.True(x3 < 0.05, $"x3 {x3}");
        output.WriteLine($"x1:x2 = {x1 / x2:F1} (true 25)");
        Assert.InRange(x1 / x2, 12.5, 50);
    }

    [Fact]
    public void A_step_in_one_parameter_gets_all_of_the_importance()
    {
        // Every tree splits only on x2 (the other parameters never reduce a pure node's variance), so its main
        // effect is the whole variance, exactly.
        var trials = Sample(Cube3, 100, 3, c => c.GetDouble("x2") < 0.4 ? 1.0 : 5.0);
        var result = ParameterImportance.Compute(Cube3, trials);
        Print(result);
        Assert.Equal("x2", result[0].Parameter);
        Assert.Equal(1.0, result[0].Importance, 9);
        Assert.Equal(0.0, Share(result, "x1"), 9);
    }

    [Fact]
    public void Two_additive_steps_that_trees_fit_exactly_get_their_exact_variance_ratio()
    {
        // 3 [x1 > 0.5] + [x2 > 0.5]: variances 9/4 and 1/4. The trees represent this function exactly (up to where
        // a threshold falls between two neighbouring samples), so there is no approximation error to hide a wrong
        // integration over the partition: the ratio must be 9, not the forest's usual underestimate of small terms.
        var trials = Sample(Cube3, 300, 5,
            c => 3 * (c.GetDouble("x1") > 0.5 ? 1 : 0) + (c.GetDouble("x2") > 0.5 ? 1 : 0));
        var result = ParameterImportance.Compute(Cube3, trials, seed: 4);
        Print(result);
        Assert.InRange(Share(result, "x1") / Share(result, "x2"), 8.5, 9.5);
        Assert.Equal(0.0, Share(result, "x3"), 6);
    }

    [Fact]
    public void Integer_values_weigh_what_the_space_draws_them_with()
    {
        // n1 is on a log scale, so the space draws 3 with probability ln(3.5 / 2.5) / ln 7 = 0.1729 (each integer owns
        // the log-stretch that rounds to it); n2 draws 2 or 3 with probability 2/3. 3 [n1 = 3] + [n2 >= 2] has
        // variances 9 p (1 - p) = 1.287 and 2/9: a ratio of 5.79. The trees' thresholds fall anywhere between two
        // integers; only weighing each side by its integers' probabilities gives this ratio.
        var space = new SearchSpace(new IntParameter("n1", 1, 3, Log: true), new IntParameter("n2", 1, 3));
        var trials = Sample(space, 200, 9,
            c => 3 * (c.GetDouble("n1") == 3 ? 1 : 0) + (c.GetDouble("n2") >= 2 ? 1 : 0));
        var result = ParameterImportance.Compute(space, trials, seed: 6);
        Print(result);
        var p = Math.Log(3.5 / 2.5) / Math.Log(7);
        var expected = 9 * p * (1 - p) / (2.0 / 9);
        Assert.Equal(expected, Share(result, "n1") / Share(result, "n2"), 2);
    }

    [Fact]
    public void A_categorical_parameter_that_decides_the_value_dominates()
    {
        var space = new SearchSpace(
            new FloatParameter("x", 0, 1),
            new CategoricalParameter("kind", new object[] { "a", "b", "c", "d" }),
            new IntParameter("n", 1, 10));
        var trials = Sample(space, 200, 11, c => (c["kind"] switch { "a" => 0.0, "b" => 4.0, "c" => 1.0, _ => 9.0 })
                                                 + 0.3 * c.GetDouble("x") + 0.02 * c.GetDouble("n"));
        var result = ParameterImportance.Compute(space, trials, seed: 5);
        Print(result);
        AssertIsDistribution(result, space);
        Assert.Equal("kind", result[0].Parameter);
        Assert.True(result[0].Importance > 0.9, $"kind {result[0].Importance}");
    }

    [Fact]
    public void Log_and_integer_parameters_are_measured_on_the_space_s_own_scales()
    {
        // On the log scale log10(lr) is uniform on [-4, 0]: variance 16/12. layers is uniform on {1, ..., 5}:
        // 0.25 * layers has variance 0.0625 * 2 = 0.125, a 10.7:1 ratio. On a linear scale lr would look flat.
        var space = new SearchSpace(
            new FloatParameter("lr", 1e-4, 1, Log: true),
            new IntParameter("layers", 1, 5),
            new FloatParameter("z", 0, 1));
        var trials = Sample(space, 300, 13, c => Math.Log10(c.GetDouble("lr")) + 0.25 * c.GetDouble("layers"));
        var result = ParameterImportance.Compute(space, trials, seed: 2);
        Print(result);
        AssertIsDistribution(result, space);
        Assert.Equal(new[] { "lr", "layers", "z" }, result.Select(e => e.Parameter));
        var ratio = Share(result, "lr") / Share(result, "layers");
        output.WriteLine($"lr:layers = {ratio:F1} (true 10.7)");
        Assert.InRange(ratio, 10.7 / 2, 10.7 * 2);
        Assert.True(Share(result, "z") < 0.05);
    }

    [Fact]
    public void A_conditional_parameter_counts_with_inactive_as_a_value_of_its_own()
    {
        // The child matters only where it is active (kind = "b", half the space); x barely matters.
        var space = new SearchSpace(
            new CategoricalParameter("kind", new object[] { "a", "b" }),
            new FloatParameter("child", 0, 1) { Condition = new ParameterCondition("kind", new object[] { "b" }) },
            new CategoricalParameter("mode", new object[] { "p", "q" })
            {
                Condition = new ParameterCondition("kind", new object[] { "a" }),
            },
            new FloatParameter("x", 0, 1));
        var trials = Sample(space, 300, 17, c =>
            (c["kind"] is "b" ? 20 * c.GetDouble("child") : 10 + (c["mode"] is "p" ? 3.0 : -3.0))
            + 0.1 * c.GetDouble("x"));
        var result = ParameterImportance.Compute(space, trials, seed: 3);
        Print(result);
        AssertIsDistribution(result, space);
        Assert.Equal("x", result[^1].Parameter);
        Assert.True(Share(result, "x") < 0.02, $"x {Share(result, "x")}");
        Assert.True(Share(result, "child") > Share(result, "mode"), "child varies the value more than mode");
    }

    [Fact]
    public void The_same_seed_gives_the_same_result_and_another_seed_another_forest()
    {
        var trials = Sample(Cube3, 120, 19,
            c => Math.Sin(6 * c.GetDouble("x1")) + c.GetDouble("x2") * c.GetDouble("x3"));
        var a = ParameterImportance.Compute(Cube3, trials, seed: 42);
        var b = ParameterImportance.Compute(Cube3, trials, seed: 42);
        var c = ParameterImportance.Compute(Cube3, trials, seed: 43);
        Assert.Equal(a, b);
        Assert.NotEqual(a.Select(e => e.Importance), c.Select(e => e.Importance));
    }

    [Fact]
    public void Fewer_than_two_usable_trials_give_every_parameter_zero()
    {
        var one = Sample(Cube3, 1, 23, c => c.GetDouble("x1"));
        var oneAndNaN = one.Append((Cube3.Sample(new SeededRandom(24)), double.NaN)).ToList();
        foreach (var trials in new[] { new List<(Configuration, double)>(), one, oneAndNaN })
        {
            var result = ParameterImportance.Compute(Cube3, trials);
            Assert.Equal(new[] { "x1", "x2", "x3" }, result.Select(e => e.Parameter));
            Assert.All(result, e => Assert.Equal(0.0, e.Importance));
        }
    }

    [Fact]
    public void A_constant_objective_gives_zero_shares_and_no_NaN()
    {
        var result = ParameterImportance.Compute(Cube3, Sample(Cube3, 50, 29, _ => 3.25));
        Assert.Equal(3, result.Count);
        Assert.All(result, e => Assert.Equal(0.0, e.Importance));
    }

    [Fact]
    public void The_scale_of_the_objective_does_not_matter()
    {
        var trials = Sample(Cube3, 150, 41, c => 3 * c.GetDouble("x1") + c.GetDouble("x2"));
        var reference = ParameterImportance.Compute(Cube3, trials, seed: 8);
        Print(reference);
        // Tiny, huge (squares overflow) and negative (the other direction) multiples of the value with an offset.
        foreach (var scale in new[] { 1e-200, 1e300, -1 })
        {
            var scaled = trials.Select(t => (t.Params, scale * (t.Value + 7))).ToList();
            var result = ParameterImportance.Compute(Cube3, scaled, seed: 8);
            Print(result);
            Assert.Equal(reference.Select(e => e.Parameter), result.Select(e => e.Parameter));
            // Not to the last digit: where splits on two parameters gain the same (a node of two trials), rounding
            // decides which one a tree takes, and rounding changes with the scale.
            Assert.All(reference.Zip(result),
                pair => Assert.Equal(pair.First.Importance, pair.Second.Importance, tolerance: 0.01));
        }
    }

    [Fact]
    public void Non_finite_values_are_left_out()
    {
        var trials = Sample(Cube3, 200, 31, c => 5 * c.GetDouble("x3"));
        var noisy = trials.Select((t, i) => i % 10 == 0 ? (t.Params, double.PositiveInfinity) : t).ToList();
        var result = ParameterImportance.Compute(Cube3, noisy);
        AssertIsDistribution(result, Cube3);
        Assert.Equal("x3", result[0].Parameter);
        Assert.True(result[0].Importance > 0.9);
    }

    [Fact]
    public void A_forest_needs_a_tree() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ParameterImportance.Compute(Cube3, [], trees: 0));

    [Fact]
    public void A_thousand_trials_of_ten_parameters_are_analysed_quickly()
    {
        var space = new SearchSpace(Enumerable.Range(0, 10).Select(i => i switch
        {
            < 6 => (Parameter)new FloatParameter($"p{i}", 0, 1),
            < 8 => new IntParameter($"p{i}", 1, 100, Log: i == 7),
            _ => new CategoricalParameter($"p{i}", new object[] { "a", "b", "c" }),
        }));
        var trials = Sample(space, 1000, 37, c =>
            Enumerable.Range(0, 6).Sum(i => (i + 1) * c.GetDouble($"p{i}")) + Math.Log(c.GetDouble("p7"))
            + (c["p8"] is "a" ? 2 : 0));
        // A first call compiles the code (cold: two to three times slower); a dashboard's process is warm.
        ParameterImportance.Compute(space, trials);
        // Wall time depends on what else the machine runs; the process's processor time much less so.
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var result = ParameterImportance.Compute(space, trials);
        watch.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        output.WriteLine($"1,000 trials x 10 parameters, {ParameterImportance.DefaultTrees} trees: " +
                         $"{watch.Elapsed.TotalMilliseconds:F0} ms wall, {cpu.TotalMilliseconds:F0} ms processor");
        Print(result);
        AssertIsDistribution(result, space);
        Assert.Equal("p5", result[0].Parameter);
        Assert.Equal(0.0, Share(result, "p9"), 2);
    }
}
