using HyperTune.Core.Optimizers.CmaEs;
using HyperTune.Core.Randomness;

namespace HyperTune.Core.Tests.Optimizers.CmaEs;

public class CmaEsStateTests
{
    [Theory]
    [InlineData(2, 6)]
    [InlineData(5, 8)]
    [InlineData(20, 40)]
    public void Positive_weights_sum_to_one_and_learning_rates_leave_room_for_the_old_covariance(int n, int lambda)
    {
        var p = new CmaEsParameters(n, lambda, activeCovariance: true, covarianceLearningScale: 4);
        Assert.Equal(1.0, p.Weights.Where(w => w > 0).Sum(), 12);
        Assert.Equal(lambda / 2, p.Weights.Count(w => w > 0));
        Assert.All(p.Weights.Skip(p.Mu), w => Assert.True(w <= 0));
        Assert.True(p.C1 + p.CMu <= 1);
        var passive = new CmaEsParameters(n, lambda, activeCovariance: false, covarianceLearningScale: 4);
        Assert.All(passive.Weights.Skip(passive.Mu), w => Assert.Equal(0, w));
    }

    [Fact]
    public void On_a_linear_slope_the_mean_follows_it_and_the_step_size_grows()
    {
        var parameters = new CmaEsParameters(3, 8, true, 2);
        var state = CmaEsState.Start(CmaEsRestarts.First(8, 0.01), parameters, new[] { 0.5, 0.5, 0.5 }, 0.01);
        var random = new SeededRandom(5);
        for (var g = 0; g < 15; g++)
        {
            var points = new List<double[]>();
            for (var k = 0; k < 8; k++)
            {
                var z = new[] { random.NextGaussian(), random.NextGaussian(), random.NextGaussian() };
                var y = state.Transform(z);
                points.Add(state.Mean.Select((m, i) => m + state.Sigma * y[i]).ToArray());
            }
            // Loss falls along the first coordinate only.
            state = state.Update(points, points.Select(x => -x[0]).ToArray());
        }
        Assert.True(state.Mean[0] > 0.55, $"mean {state.Mean[0]}");
        Assert.True(state.Sigma > 0.01, $"sigma {state.Sigma}");
        Assert.True(state.Covariance[0, 0] > state.Covariance[1, 1]);
    }

    [Fact]
    public void Injected_points_far_outside_the_distribution_have_bounded_influence()
    {
        var parameters = new CmaEsParameters(2, 4, true, 4);
        var state = CmaEsState.Start(CmaEsRestarts.First(4, 0.01), parameters, new[] { 0.5, 0.5 }, 0.01);
        var points = new[] { new[] { 0.95, 0.95 }, new[] { 0.501, 0.5 }, new[] { 0.5, 0.501 }, new[] { 0.499, 0.5 } };
        var losses = new[] { 0.0, 1, 2, 3 };
        var plain = state.Update(points, losses);
        var injected = state.Update(points, losses, new[] { true, false, false, false });
        Assert.True(plain.Mean[0] > 0.7);
        // Clipped to about 3 standard deviations: the mean moves by a few σ, not by 45.
        Assert.InRange(injected.Mean[0], 0.5, 0.5 + 4 * 0.01);
    }
}
