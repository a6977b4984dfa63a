using HyperTune.Core.Optimizers.Acquisition;
using HyperTune.Core.Optimizers.RandomForest;
using HyperTune.Core.Randomness;

namespace HyperTune.Core.Tests.Optimizers.RandomForest;

public class RegressionForestTests
{
    [Fact]
    public void A_tree_recovers_a_step_function_on_a_numeric_feature()
    {
        var x = Enumerable.Range(0, 40).Select(i => new[] { i / 40.0 }).ToList();
        var y = x.Select(r => r[0] < 0.5 ? 1.0 : 3.0).ToList();
        var tree = RegressionTree.Fit(x, y, Enumerable.Range(0, 40).ToArray(), new[] { 0 }, new TreeOptions(), new SeededRandom(1));
        Assert.Equal(1.0, tree.Predict(new[] { 0.2 }).Mean, 12);
        Assert.Equal(3.0, tree.Predict(new[] { 0.8 }).Mean, 12);
        Assert.Equal(3, tree.NodeCount); // one split, two pure leaves
    }

    [Fact]
    public void Categorical_features_split_on_category_subsets()
    {
        // Categories 0 and 2 are good, 1 and 3 bad: no single threshold on the index separates them.
        var x = Enumerable.Range(0, 40).Select(i => new double[] { i % 4 }).ToList();
        var y = x.Select(r => r[0] is 0 or 2 ? 0.0 : 10.0).ToList();
        var tree = RegressionTree.Fit(x, y, Enumerable.Range(0, 40).ToArray(), new[] { 4 }, new TreeOptions(), new SeededRandom(2));
        Assert.Equal(3, tree.NodeCount);
        Assert.Equal(0.0, tree.Predict(new double[] { 2 }).Mean, 12);
        Assert.Equal(10.0, tree.Predict(new double[] { 3 }).Mean, 12);
    }

    [Fact]
    public void The_forest_is_uncertain_about_categories_it_never_saw()
    {
        var x = Enumerable.Range(0, 30).Select(i => new double[] { i % 3, (i * 7 % 30) / 30.0 }).ToList();
        var y = x.Select(r => r[0] switch { 0 => 0.0, 1 => 5.0, _ => 10.0 } + r[1]).ToList();
        var forest = RegressionForest.Fit(x, y, new[] { 4, 0 }, trees: 30, bootstrap: true, withinLeafVariance: false, new TreeOptions(), new SeededRandom(3));
        var seen = forest.Predict(new[] { 0.0, 0.5 });
        var unseen = forest.Predict(new[] { 3.0, 0.5 });
        Assert.InRange(seen.Mean, -0.5, 1.5);
        Assert.True(unseen.Variance > 10 * seen.Variance, $"unseen {unseen.Variance} vs seen {seen.Variance}");
    }

    [Fact]
    public void Forests_are_reproducible_from_their_random_source()
    {
        var x = Enumerable.Range(0, 25).Select(i => new[] { i / 25.0, (i * 3 % 25) / 25.0 }).ToList();
        var y = x.Select(r => Math.Sin(6 * r[0]) + r[1]).ToList();
        RegressionForest Fit(long seed) => RegressionForest.Fit(x, y, new[] { 0, 0 }, 10, true, true, new TreeOptions(FeatureFraction: 0.5), new SeededRandom(seed));
        var probe = new[] { 0.33, 0.71 };
        Assert.Equal(Fit(5).Predict(probe), Fit(5).Predict(probe));
        Assert.NotEqual(Fit(5).Predict(probe), Fit(6).Predict(probe));
    }

    [Fact]
    public void Expected_improvement_grows_with_uncertainty_and_with_a_lower_mean()
    {
        Assert.Equal(0.0, ExpectedImprovement.Compute(2, 0, best: 1));
        Assert.Equal(1.0, ExpectedImprovement.Compute(0, 0, best: 1), 12);
        Assert.True(ExpectedImprovement.Compute(1, 4, 1) > ExpectedImprovement.Compute(1, 1, 1));
        Assert.True(ExpectedImprovement.Compute(0.5, 1, 1) > ExpectedImprovement.Compute(1, 1, 1));
        // At mean == best, EI = sigma / sqrt(2 pi).
        Assert.Equal(2 / Math.Sqrt(2 * Math.PI), ExpectedImprovement.Compute(1, 4, 1), 12);
    }

    [Fact]
    public void Log_expected_improvement_matches_the_closed_form_and_still_ranks_where_EI_underflows()
    {
        foreach (var mean in new[] { -1.0, 0.0, 2.0, 5.0 })
            Assert.Equal(Math.Log(ExpectedImprovement.Compute(mean, 1, 0.5)), ExpectedImprovement.Log(mean, 1, 0.5), 9);
        // Just past the switch to the asymptotic series the two agree closely.
        Assert.Equal(Math.Log(ExpectedImprovement.Compute(6.6, 1, 0.5)), ExpectedImprovement.Log(6.6, 1, 0.5), 2);
        Assert.Equal(0.0, ExpectedImprovement.Compute(60, 1, 0));
        var far = ExpectedImprovement.Log(60, 1, 0);
        var farther = ExpectedImprovement.Log(70, 1, 0);
        Assert.True(double.IsFinite(far) && far > farther);
    }
}
