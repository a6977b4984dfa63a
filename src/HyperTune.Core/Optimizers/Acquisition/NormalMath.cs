using MathNet.Numerics;

namespace HyperTune.Core.Optimizers.Acquisition;

/// <summary>
/// Standard normal functions computed in log space where they would underflow: what makes log expected improvement
/// usable far from the incumbent, where plain EI is exactly zero and gives an optimizer nothing to climb.
/// </summary>
internal static class NormalMath
{
    private static readonly double LogSqrtTwoPi = 0.5 * Math.Log(2 * Math.PI);
    private static readonly double SqrtHalfPi = Math.Sqrt(Math.PI / 2);
    private static readonly double InvSqrtPi = 1 / Math.Sqrt(Math.PI);

    // Beyond this argument erfc(x) comes close to the smallest normal double, so erfcx switches to its asymptotic series.
    private const double ErfcxSeriesFrom = 25;

    // Beyond this |z| the cancellation in 1 - z·Mills(z) is avoided by the asymptotic series of that difference.
    private const double TailSeriesFrom = 30;

    /// <summary>Density φ(z).</summary>
    public static double Pdf(double z) => Math.Exp(-0.5 * z * z - LogSqrtTwoPi);

    /// <summary>log φ(z).</summary>
    public static double LogPdf(double z) => -0.5 * z * z - LogSqrtTwoPi;

    /// <summary>Distribution function Φ(z).</summary>
    public static double Cdf(double z) => 0.5 * SpecialFunctions.Erfc(-z / Math.Sqrt(2));

    /// <summary>The scaled complementary error function exp(x²)·erfc(x) for x ≥ 0, without overflow or underflow.</summary>
    public static double Erfcx(double x)
    {
        if (x < 0) throw new ArgumentOutOfRangeException(nameof(x), "only x >= 0 is needed here");
        if (x < ErfcxSeriesFrom) return Math.Exp(x * x) * SpecialFunctions.Erfc(x);
        var t = 1 / (2 * x * x);
        // 1 - t + 3t² - 15t³ + 105t⁴ - 945t⁵: at x = 25 the next term is below 1e-15 relative.
        var series = 1 - t * (1 - 3 * t * (1 - 5 * t * (1 - 7 * t * (1 - 9 * t))));
        return InvSqrtPi / x * series;
    }

    /// <summary>log Φ(z), accurate in both tails.</summary>
    public static double LogCdf(double z)
    {
        if (z > 0) return Math.Log(1 - 0.5 * SpecialFunctions.Erfc(z / Math.Sqrt(2)));
        if (z > -5) return Math.Log(Cdf(z));
        // Φ(z) = φ(z)·√(π/2)·erfcx(-z/√2) for z < 0
        return LogPdf(z) + Math.Log(SqrtHalfPi * Erfcx(-z / Math.Sqrt(2)));
    }

    /// <summary>φ(z)/Φ(z) (the inverse Mills ratio), accurate for very negative z where both underflow.</summary>
    public static double PdfOverCdf(double z)
    {
        if (z > -5) return Pdf(z) / Cdf(z);
        return 1 / (SqrtHalfPi * Erfcx(-z / Math.Sqrt(2)));
    }

    /// <summary>
    /// log h(z) where h(z) = φ(z) + z·Φ(z) is the expected improvement of a unit normal over a threshold z standard
    /// deviations away (EI = σ·h(z)). Also returns Φ(z)/h(z) = d log h / dz and φ(z)/h(z), both finite for any z.
    /// </summary>
    public static double LogH(double z, out double cdfOverH, out double pdfOverH)
    {
        if (z > -1)
        {
            var pdf = Pdf(z);
            var cdf = Cdf(z);
            var h = pdf + z * cdf;
            cdfOverH = cdf / h;
            pdfOverH = pdf / h;
            return Math.Log(h);
        }
        // z ≤ -1: with u = -z, h = φ(u)·(1 - r) where r = u·Q(u)/φ(u) = u·√(π/2)·erfcx(u/√2) tends to 1.
        var u = -z;
        double oneMinusR, r;
        if (u < TailSeriesFrom)
        {
            r = u * SqrtHalfPi * Erfcx(u / Math.Sqrt(2));
            oneMinusR = 1 - r;
        }
        else
        {
            // 1 - r = 1/u² - 3/u⁴ + 15/u⁶ - 105/u⁸ + 945/u¹⁰ - ...
            var t = 1 / (u * u);
            oneMinusR = t * (1 - 3 * t * (1 - 5 * t * (1 - 7 * t * (1 - 9 * t))));
            r = 1 - oneMinusR;
        }
        pdfOverH = 1 / oneMinusR;
        cdfOverH = r / u / oneMinusR;
        return LogPdf(u) + Math.Log(oneMinusR);
    }
}
