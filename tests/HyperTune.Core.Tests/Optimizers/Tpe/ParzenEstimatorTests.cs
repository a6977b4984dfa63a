using HyperTune.Core.Optimizers.Tpe;
using HyperTune.Core.Randomness;
using HyperTune.Core.Spaces;
using MathNet.Numerics.Distributions;

namespace HyperTune.Core.Tests.Optimizers.Tpe;

public class ParzenEstimatorTests
{
    private static readonly TpeSettings Univariate = new();

    [Fact]
    public void A_univariate_density_is_the_weighted_mixture_of_truncated_gaussians_with_neighbour_widths()
    {
        var dims = new[] { new TpeDimension(new FloatParameter("x", 0, 1), 0) };
        var values = new[] { 0.2, 0.25, 0.7 };
        var rows = values.Select(v => new[] { v }).ToArray();
        var weights = new[] { 1.0, 1.0, 1.0 };
        var e = ParzenEstimator.Fit(dims, rows, new[] { 0, 1, 2 }, weights, Univariate)!;
        Assert.Equal(4, e.Components);

        // Centres sorted with the prior: 0.2, 0.25, 0.5 (prior), 0.7. Widths are the larger neighbour gap; the ends
        // use their only inner gap; magic clip keeps them >= 1/5; the prior is as wide as the range.
        var mus = new[] { 0.2, 0.25, 0.7, 0.5 };
        var sigmas = new[] { Math.Max(0.05, 0.2), Math.Max(0.25, 0.2), Math.Max(0.2, 0.2), 1.0 };
        foreach (var x in new[] { 0.0, 0.1, 0.22, 0.5, 0.93 })
        {
            var expected = 0.0;
            for (var k = 0; k < 4; k++)
            {
                var mass = Normal.CDF(mus[k], sigmas[k], 1) - Normal.CDF(mus[k], sigmas[k], 0);
                expected += 0.25 * Normal.PDF(mus[k], sigmas[k], x) / mass;
            }
            var actual = new double[1];
            e.LogDensities(1, new[] { x }, new[] { x }, actual);
            Assert.Equal(Math.Log(expected), actual[0], 6);
        }
    }

    [Fact]
    public void Samples_follow_the_mixture()
    {
        var dims = new[] { new TpeDimension(new FloatParameter("x", 0, 1), 0) };
        var rows = new[] { new[] { 0.1 }, new[] { 0.12 }, new[] { 0.14 }, new[] { 0.9 } };
        var e = ParzenEstimator.Fit(dims, rows, new[] { 0, 1, 2, 3 }, new[] { 1.0, 1.0, 1.0, 1.0 }, Univariate with { PriorWeight = 0 })!;
        var random = new SeededRandom(5);
        var point = new double[1];
        var low = 0;
        for (var i = 0; i < 4000; i++)
        {
            e.Sample(random, point);
            Assert.InRange(point[0], 0, 1);
            if (point[0] < 0.5) low++;
        }
        // Three of four kernels sit near 0.1 (the 0.9 one is 0.76 wide, so it leaks a little below 0.5).
        Assert.InRange(low, 3000 - 200, 3400);
    }
}
