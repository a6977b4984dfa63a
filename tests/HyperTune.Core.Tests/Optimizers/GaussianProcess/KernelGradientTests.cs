using System.Collections.Immutable;
using HyperTune.Core.Optimizers.GaussianProcess;
using HyperTune.Core.Randomness;

namespace HyperTune.Core.Tests.Optimizers.GaussianProcess;

public class KernelGradientTests
{
    private static (List<double[]> X, double[] Y) Data(int n, int d, long seed)
    {
        var r = new SeededRandom(seed);
        var x = Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, d).Select(_ => r.NextDouble()).ToArray()).ToList();
        var y = OutputTransform.Standardize(x.Select(p => Math.Sin(4 * p[0]) + p.Sum(v => v * v)).ToArray());
        return (x, y);
    }

    [Fact]
    public void The_log_marginal_likelihood_gradient_matches_finite_differences()
    {
        var (x, y) = Data(25, 3, 7);
        var objective = new MarginalLikelihood(x, y, HyperparameterPrior.Default);
        double[] theta = { Math.Log(0.3), Math.Log(0.8), Math.Log(1.7), Math.Log(1.3), Math.Log(1e-3) };
        var gradient = new double[theta.Length];
        objective.Evaluate(theta, gradient);
        for (var i = 0; i < theta.Length; i++)
        {
            const double step = 1e-6;
            var plus = (double[])theta.Clone();
            var minus = (double[])theta.Clone();
            plus[i] += step;
            minus[i] -= step;
            var numeric = (objective.Evaluate(plus, Span<double>.Empty) - objective.Evaluate(minus, Span<double>.Empty)) / (2 * step);
            Assert.True(Math.Abs(numeric - gradient[i]) <= 1e-5 * Math.Max(1, Math.Abs(numeric)), $"parameter {i}: analytic {gradient[i]}, numeric {numeric}");
        }
    }

    [Fact]
    public void Posterior_mean_and_variance_gradients_match_finite_differences()
    {
        var (x, y) = Data(30, 4, 3);
        var h = new KernelHyperparameters(ImmutableArray.Create(Math.Log(0.4), Math.Log(0.7), Math.Log(0.25), Math.Log(2.0)), Math.Log(1.5), Math.Log(1e-4));
        var gp = GaussianProcessPosterior.Create(x, y, h);
        var point = new[] { 0.31, 0.62, 0.18, 0.77 };
        var dMean = new double[4];
        var dVariance = new double[4];
        var (mean, variance) = gp.PredictWithGradient(point, dMean, dVariance);
        var scratch = new double[gp.Count];
        var plain = gp.Predict(point, scratch);
        Assert.Equal(plain.Mean, mean, 1e-12);
        Assert.Equal(plain.Variance, variance, 1e-12);
        for (var j = 0; j < 4; j++)
        {
            const double step = 1e-6;
            var plus = (double[])point.Clone();
            var minus = (double[])point.Clone();
            plus[j] += step;
            minus[j] -= step;
            var p = gp.Predict(plus, scratch);
            var m = gp.Predict(minus, scratch);
            Assert.Equal((p.Mean - m.Mean) / (2 * step), dMean[j], 1e-6);
            Assert.Equal((p.Variance - m.Variance) / (2 * step), dVariance[j], 1e-6);
        }
    }

    [Fact]
    public void Batch_predictions_match_single_ones_and_do_not_depend_on_the_rest_of_the_batch()
    {
        var (x, y) = Data(37, 3, 5);
        var h = new KernelHyperparameters(ImmutableArray.Create(Math.Log(0.3), Math.Log(0.6), Math.Log(1.2)), Math.Log(1.3), Math.Log(1e-5));
        var gp = GaussianProcessPosterior.Create(x, y, h);
        var r = new SeededRandom(9);
        var points = Enumerable.Range(0, GaussianProcessPosterior.BatchSize).Select(_ => new[] { r.NextDouble(), r.NextDouble(), r.NextDouble() }).ToArray();
        points[3] = x[5]; // an observed point: variance near zero
        var scratch = new double[gp.Count * GaussianProcessPosterior.BatchSize];
        var means = new double[points.Length];
        var variances = new double[points.Length];
        gp.PredictBatch(points, means, variances, scratch);
        var single = new double[gp.Count];
        for (var c = 0; c < points.Length; c++)
        {
            var (m, v) = gp.Predict(points[c], single);
            Assert.Equal(m, means[c], 1e-12);
            Assert.Equal(v, variances[c], 1e-12);
            // Alone in a batch, or first of two, the point gets exactly the same numbers.
            var oneMean = new double[2];
            var oneVariance = new double[2];
            gp.PredictBatch(new[] { points[c] }, oneMean, oneVariance, scratch);
            Assert.Equal(means[c], oneMean[0]);
            Assert.Equal(variances[c], oneVariance[0]);
            gp.PredictBatch(new[] { points[c], points[(c + 1) % points.Length] }, oneMean, oneVariance, scratch);
            Assert.Equal(means[c], oneMean[0]);
            Assert.Equal(variances[c], oneVariance[0]);
        }
    }

    [Fact]
    public void The_posterior_interpolates_observations_and_reverts_to_the_prior_far_away()
    {
        var (x, y) = Data(15, 2, 11);
        var h = new KernelHyperparameters(ImmutableArray.Create(Math.Log(0.3), Math.Log(0.3)), 0, Math.Log(1e-6));
        var gp = GaussianProcessPosterior.Create(x, y, h);
        var scratch = new double[gp.Count];
        for (var i = 0; i < x.Count; i++)
        {
            var (m, v) = gp.Predict(x[i], scratch);
            Assert.Equal(y[i], m, 1e-3);
            Assert.True(v < 1e-4);
        }
        var far = gp.Predict(new[] { 40.0, -40.0 }, scratch);
        Assert.Equal(0, far.Mean, 1e-9);
        Assert.Equal(1, far.Variance, 1e-9);
    }

    [Fact]
    public void Fantasized_pending_points_keep_the_mean_and_shrink_the_variance_around_them()
    {
        var (x, y) = Data(12, 2, 5);
        var h = new KernelHyperparameters(ImmutableArray.Create(Math.Log(0.3), Math.Log(0.3)), 0, Math.Log(1e-6));
        var gp = GaussianProcessPosterior.Create(x, y, h);
        var pending = new[] { 0.52, 0.47 };
        var withPending = gp.WithFantasies(new[] { pending });
        var before = gp.Predict(pending, new double[gp.Count]);
        var after = withPending.Predict(pending, new double[withPending.Count]);
        Assert.Equal(before.Mean, after.Mean, 1e-6);
        Assert.True(after.Variance < 1e-5 && before.Variance > 1e-3);
    }

    [Fact]
    public void Sampled_fantasies_share_the_variance_and_spread_the_pending_outcomes_around_the_mean()
    {
        var (x, y) = Data(14, 2, 8);
        var h = new KernelHyperparameters(ImmutableArray.Create(Math.Log(0.3), Math.Log(0.4)), 0, Math.Log(1e-6));
        var gp = GaussianProcessPosterior.Create(x, y, h);
        var pending = new[] { new[] { 0.52, 0.47 }, new[] { 0.1, 0.9 } };
        var sampled = gp.WithSampledFantasies(pending, 64, new SeededRandom(4));
        Assert.Equal(64, sampled.OutputSets);
        Assert.Equal(gp.Count, sampled.ObservedCount);
        Assert.Equal(gp.Count + 2, sampled.Count);
        var believer = gp.WithFantasies(pending);
        var probe = new[] { 0.4, 0.6 };
        Assert.Equal(believer.Predict(probe, new double[believer.Count]).Variance, sampled.Predict(probe, new double[sampled.Count]).Variance, 1e-12);
        for (var p = 0; p < 2; p++)
        {
            var outcomes = Enumerable.Range(0, 64).Select(s => sampled.Output(s, gp.Count + p)).ToArray();
            var (mean, variance) = gp.Predict(pending[p], new double[gp.Count]);
            // Antithetic pairs: the sample mean is exactly the predicted mean; the spread matches the predictive sd.
            Assert.Equal(mean, outcomes.Average(), 1e-9);
            var sd = Math.Sqrt(outcomes.Select(o => (o - mean) * (o - mean)).Average());
            Assert.InRange(sd, 0.6 * Math.Sqrt(variance), 1.5 * Math.Sqrt(variance));
            // Observed outputs are the same in every set.
            Assert.All(Enumerable.Range(0, 64), s => Assert.Equal(y[3], sampled.Output(s, 3)));
        }
    }

    [Fact]
    public void A_set_averaged_acquisition_has_the_gradient_of_its_value_and_reduces_to_the_plain_one()
    {
        foreach (var kind in new[] { AcquisitionKind.LogExpectedImprovement, AcquisitionKind.ExpectedImprovement, AcquisitionKind.ProbabilityOfImprovement, AcquisitionKind.UpperConfidenceBound })
        {
            var plain = new AcquisitionFunction(kind, -0.4, 0.01, 4);
            var single = new SetAveragedAcquisition(kind, new[] { -0.4 }, 0.01, 4);
            var twice = new SetAveragedAcquisition(kind, new[] { -0.4, -0.4 }, 0.01, 4);
            var expected = plain.Evaluate(0.2, 0.3, 1, out _, out _);
            Assert.Equal(expected, single.Evaluate(new[] { 0.2 }, 1, 0.3, 1, new double[1], out _));
            Assert.Equal(expected, twice.Evaluate(new[] { 0.2, 0.2 }, 1, 0.3, 1, new double[2], out _), 1e-12);

            var mixed = new SetAveragedAcquisition(kind, new[] { -0.4, 0.1, -1.3 }, 0.01, 4);
            double[] means = { 0.2, -0.5, 0.05 };
            var dMeans = new double[3];
            var value = mixed.Evaluate(means, 1, 0.3, 1, dMeans, out var dSd);
            const double step = 1e-6;
            for (var s = 0; s < 3; s++)
            {
                var plus = (double[])means.Clone();
                var minus = (double[])means.Clone();
                plus[s] += step;
                minus[s] -= step;
                var numeric = (mixed.Evaluate(plus, 1, 0.3, 1, Span<double>.Empty, out _) - mixed.Evaluate(minus, 1, 0.3, 1, Span<double>.Empty, out _)) / (2 * step);
                Assert.Equal(numeric, dMeans[s], 1e-5);
            }
            var numericSd = (mixed.Evaluate(means, 1, 0.3 + step, 1, Span<double>.Empty, out _) - mixed.Evaluate(means, 1, 0.3 - step, 1, Span<double>.Empty, out _)) / (2 * step);
            Assert.Equal(numericSd, dSd, 1e-5);
            Assert.True(double.IsFinite(value));
        }
    }
}
