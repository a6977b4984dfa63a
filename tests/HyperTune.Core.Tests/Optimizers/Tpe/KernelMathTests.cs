using HyperTune.Core.Optimizers.Tpe;
using MathNet.Numerics.Distributions;

namespace HyperTune.Core.Tests.Optimizers.Tpe;

public class KernelMathTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(-1e-9)]
    [InlineData(-0.3)]
    [InlineData(-1.0)]
    [InlineData(-17.25)]
    [InlineData(-300.5)]
    [InlineData(-699.0)]
    public void The_polynomial_exponential_matches_the_runtime_one(double x)
    {
        var expected = Math.Exp(x);
        Assert.InRange(KernelMath.Exp(x), expected * (1 - 1e-13), expected * (1 + 1e-13));
    }

    [Fact]
    public void Log_sum_exp_matches_the_naive_sum_whichever_path_computes_it()
    {
        var values = Enumerable.Range(0, 103).Select(i => -0.37 * i + Math.Sin(i) * 3).ToArray();
        var naive = Math.Log(values.Sum(Math.Exp));
        Assert.Equal(naive, KernelMath.LogSumExp(values), 12);
        // Shifting everything far below the range of exp does not lose the result.
        var shifted = values.Select(v => v - 2000).ToArray();
        Assert.Equal(naive - 2000, KernelMath.LogSumExp(shifted), 9);
    }

    [Fact]
    public void Gaussian_exponents_are_accumulated_and_the_largest_is_returned()
    {
        var mu = new[] { 0.1, 0.5, 0.9, 0.3, 0.7 };
        var inverse = new[] { 10.0, 2.0, 5.0, 1.0, 4.0 };
        var start = new[] { 1.0, 2.0, 3.0, 4.0, 5.0 };
        var acc = new double[5];
        var max = KernelMath.GaussianExponents(0.4, start, mu, inverse, acc);
        for (var i = 0; i < 5; i++)
        {
            var z = (0.4 - mu[i]) * inverse[i];
            Assert.Equal(start[i] - 0.5 * z * z, acc[i], 14);
        }
        Assert.Equal(acc.Max(), max);
    }

    [Theory]
    [InlineData(-1.0, 1.0)]
    [InlineData(0.5, 2.5)]
    [InlineData(-3.0, -2.0)]
    [InlineData(2.0, 2.0005)]
    [InlineData(-0.2, 0.1)]
    public void Normal_masses_match_the_normal_cdf(double a, double b)
    {
        var expected = Math.Log(Normal.CDF(0, 1, b) - Normal.CDF(0, 1, a));
        Assert.Equal(expected, KernelMath.LogNormalMass(a, b), 5);
    }

    [Fact]
    public void Normal_masses_far_in_the_tail_do_not_underflow()
    {
        // P(40 < Z < 41) is about 1e-350: not representable, but its log is.
        var logMass = KernelMath.LogNormalMass(40, 41);
        var expected = -0.5 * 40 * 40 - Math.Log(40) - KernelMath.LogSqrt2Pi;
        Assert.InRange(logMass, expected - 0.01, expected + 0.01);
        Assert.Equal(logMass, KernelMath.LogNormalMass(-41, -40), 9);
    }

    [Fact]
    public void Truncation_masses_are_the_normal_masses_to_the_last_bit()
    {
        // The truncation shortcuts (ends far out) must not change a single kernel's normalizer: suggestions are
        // reproducible across versions. Every pairing of near, boundary and far ends, both ways round.
        var ends = new[] { 0.0, 1e-6, 0.3, 1.0, 2.5, 5.0, 8.0, 8.999, 9.0, 9.5, 15.0, 100.0, 1e6 };
        foreach (var lowEnd in ends)
            foreach (var highEnd in ends)
            {
                var a = -lowEnd;
                var b = highEnd;
                if (!(b > a)) continue;
                Assert.Equal(BitConverter.DoubleToInt64Bits(KernelMath.LogNormalMass(a, b)),
                    BitConverter.DoubleToInt64Bits(KernelMath.LogTruncationMass(a, b)));
            }
    }
}
