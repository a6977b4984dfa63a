using HyperTune.Core.Optimizers.Acquisition;
using HyperTune.Core.Optimizers.GaussianProcess;

namespace HyperTune.Core.Tests.Optimizers.GaussianProcess;

public class NormalMathTests
{
    // h(z) = φ(z) + zΦ(z) = φ(z) ∫₀^∞ t·exp(zt - t²/2) dt: for negative z the integrand is smooth and positive, so a
    // plain Simpson rule gives an independent reference with no cancellation.
    private static double LogHByQuadrature(double z)
    {
        var upper = 40 / Math.Max(1, -z) + 12;
        const int steps = 200_000;
        var dt = upper / steps;
        var sum = 0.0;
        for (var i = 0; i <= steps; i++)
        {
            var t = i * dt;
            var w = i == 0 || i == steps ? 1 : i % 2 == 1 ? 4 : 2;
            sum += w * t * Math.Exp(z * t - t * t / 2);
        }
        return NormalMath.LogPdf(z) + Math.Log(sum * dt / 3);
    }

    [Theory]
    [InlineData(-4.0)]
    [InlineData(-2.5)]
    [InlineData(-1.0)]
    [InlineData(-0.3)]
    [InlineData(0.0)]
    [InlineData(0.7)]
    [InlineData(3.0)]
    [InlineData(8.0)]
    public void Log_h_agrees_with_log_of_the_plain_formula_where_that_is_representable(double z)
    {
        var plain = Math.Log(NormalMath.Pdf(z) + z * NormalMath.Cdf(z));
        var stable = NormalMath.LogH(z, out _, out _);
        Assert.Equal(plain, stable, 1e-9);
    }

    [Theory]
    [InlineData(-5.0)]
    [InlineData(-12.0)]
    [InlineData(-29.0)]
    [InlineData(-31.0)]
    [InlineData(-45.0)]
    public void Log_h_is_accurate_far_from_the_incumbent_where_the_plain_formula_cancels_or_underflows(double z)
    {
        var stable = NormalMath.LogH(z, out _, out _);
        Assert.Equal(LogHByQuadrature(z), stable, Math.Abs(stable) * 1e-8);
    }

    [Fact]
    public void Log_h_stays_finite_and_decreasing_where_expected_improvement_underflows_to_zero()
    {
        Assert.Equal(0.0, NormalMath.Pdf(-40) + -40 * NormalMath.Cdf(-40)); // plain EI is useless out here
        var previous = double.PositiveInfinity;
        foreach (var z in new[] { -1.0, -5, -20, -29.9, -30.1, -100, -1e3, -1e5 })
        {
            var v = NormalMath.LogH(z, out var cdfOverH, out var pdfOverH);
            Assert.True(double.IsFinite(v) && v < previous, $"log h({z}) = {v}");
            Assert.True(double.IsFinite(cdfOverH) && cdfOverH > 0);
            Assert.True(double.IsFinite(pdfOverH) && pdfOverH > 0);
            previous = v;
        }
    }

    [Theory]
    [InlineData(-35.0)]
    [InlineData(-8.0)]
    [InlineData(-1.5)]
    [InlineData(0.2)]
    [InlineData(4.0)]
    public void The_derivative_of_log_h_matches_finite_differences(double z)
    {
        NormalMath.LogH(z, out var derivative, out _);
        const double step = 1e-6;
        var numeric = (NormalMath.LogH(z + step, out _, out _) - NormalMath.LogH(z - step, out _, out _)) / (2 * step);
        Assert.Equal(numeric, derivative, Math.Max(1e-6, Math.Abs(numeric) * 1e-6));
    }

    [Theory]
    [InlineData(-3.0)]
    [InlineData(-4.9)]
    [InlineData(-5.1)]
    [InlineData(1.0)]
    public void Log_cdf_agrees_with_the_plain_formula_and_continues_into_the_tail(double z)
    {
        Assert.Equal(Math.Log(NormalMath.Cdf(z)), NormalMath.LogCdf(z), 1e-9);
        Assert.True(double.IsFinite(NormalMath.LogCdf(-60)));
    }

    [Fact]
    public void Erfcx_is_continuous_where_it_switches_to_its_series()
    {
        var below = NormalMath.Erfcx(25 - 1e-9);
        var above = NormalMath.Erfcx(25 + 1e-9);
        Assert.Equal(below, above, below * 1e-10);
    }
}
