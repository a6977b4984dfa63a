using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HyperTune.Core.Optimizers.Tpe;

/// <summary>
/// The numeric kernels of the Parzen estimators: Gaussian log-terms over arrays of components, a log-sum-exp and
/// truncated-normal masses. The array loops use 256-bit vectors when the hardware has them and an exact scalar
/// emulation otherwise: both paths perform the same IEEE operations in the same order (four accumulation lanes, a
/// polynomial exponential instead of the runtime's), so a suggestion does not depend on the machine's vector width.
/// </summary>
internal static class KernelMath
{
    /// <summary>log(sqrt(2 pi)), the normalizer of the standard normal density.</summary>
    public const double LogSqrt2Pi = 0.91893853320467274178;

    // Below this an exponential term is treated as zero: exp(-700) is ~1e-304, negligible against the largest term
    // (which is exp(0) = 1 after the log-sum-exp shift), and the clamp keeps the exponent bits in range.
    private const double ExpFloor = -700.0;
    // Terms this far below the largest (e^-40 ~ 4e-18 of it) are left out of a log-sum-exp.
    private const double NegligibleLogRatio = -40.0;
    // Beyond 9 standard deviations a tail holds ~1e-19 of the mass: the kernel is whole to double precision.
    private const double WholeMassZ = 9.0;
    private const double Log2E = 1.4426950408889634074;
    // ln 2 split in a part with few mantissa bits (k * Ln2High is exact for |k| < 2^11) and the rest.
    private const double Ln2High = 0.693145751953125;
    private const double Ln2Low = 1.42860682030941723212e-6;
    // Adding 1.5 * 2^52 rounds to an integer and leaves that integer in the low mantissa bits.
    private const double RoundingShifter = 6755399441055744.0;
    private static readonly long ShifterBits = BitConverter.DoubleToInt64Bits(RoundingShifter);

    /// <summary>
    /// acc[i] = start[i] - 0.5 * ((x - mu[i]) * inverseSigma[i])^2 for every component: the exponent of a Gaussian
    /// kernel evaluated at <paramref name="x"/>, added to <paramref name="start"/> (which may be <paramref name="acc"/>
    /// itself; a kernel's normalizer and weight are folded into the start term). Returns the largest value written,
    /// for <see cref="LogSumExp(ReadOnlySpan{double}, double)"/>.
    /// </summary>
    public static double GaussianExponents(double x, ReadOnlySpan<double> start, ReadOnlySpan<double> mu,
        ReadOnlySpan<double> inverseSigma, Span<double> acc)
    {
        var n = acc.Length;
        if (start.Length < n || mu.Length < n || inverseSigma.Length < n) throw new ArgumentException("component arrays are shorter than the accumulator");
        ref var b = ref MemoryMarshal.GetReference(start);
        ref var m = ref MemoryMarshal.GetReference(mu);
        ref var s = ref MemoryMarshal.GetReference(inverseSigma);
        ref var a = ref MemoryMarshal.GetReference(acc);
        var i = 0;
        var max = double.NegativeInfinity;
        if (Vector256.IsHardwareAccelerated && n >= 4)
        {
            var vx = Vector256.Create(x);
            var minusHalf = Vector256.Create(-0.5);
            var vmax = Vector256.Create(double.NegativeInfinity);
            for (; i <= n - 4; i += 4)
            {
                var z = (vx - Vector256.LoadUnsafe(ref m, (nuint)i)) * Vector256.LoadUnsafe(ref s, (nuint)i);
                var t = Vector256.LoadUnsafe(ref b, (nuint)i) + minusHalf * (z * z);
                t.StoreUnsafe(ref a, (nuint)i);
                vmax = Vector256.Max(vmax, t);
            }
            max = Math.Max(Math.Max(vmax.GetElement(0), vmax.GetElement(1)), Math.Max(vmax.GetElement(2), vmax.GetElement(3)));
        }
        for (; i < n; i++)
        {
            var z = (x - Unsafe.Add(ref m, i)) * Unsafe.Add(ref s, i);
            var t = Unsafe.Add(ref b, i) + -0.5 * (z * z);
            Unsafe.Add(ref a, i) = t;
            max = Math.Max(max, t);
        }
        return max;
    }

    /// <summary>
    /// log(sum(exp(values))), stable for very negative values; -infinity for an empty span. Blocks of four terms
    /// all below the largest by more than <see cref="NegligibleLogRatio"/> are skipped (they could not change the
    /// sum beyond its last digits), which makes the cost proportional to the kernels near the point.
    /// </summary>
    public static double LogSumExp(ReadOnlySpan<double> values) => LogSumExp(values, Max(values));

    /// <summary><see cref="LogSumExp(ReadOnlySpan{double})"/> when the largest value is already known.</summary>
    public static double LogSumExp(ReadOnlySpan<double> values, double max)
    {
        var n = values.Length;
        if (n == 0) return double.NegativeInfinity;
        if (double.IsNegativeInfinity(max) || double.IsNaN(max)) return max;

        ref var v = ref MemoryMarshal.GetReference(values);
        double l0 = 0, l1 = 0, l2 = 0, l3 = 0;
        var i = 0;
        var cut = max + NegligibleLogRatio;
        if (Vector256.IsHardwareAccelerated)
        {
            var vmax = Vector256.Create(max);
            var vcut = Vector256.Create(cut);
            var sum = Vector256<double>.Zero;
            for (; i <= n - 4; i += 4)
            {
                var block = Vector256.LoadUnsafe(ref v, (nuint)i);
                if (Vector256.LessThanAll(block, vcut)) continue;
                sum += Exp(block - vmax);
            }
            l0 = sum.GetElement(0);
            l1 = sum.GetElement(1);
            l2 = sum.GetElement(2);
            l3 = sum.GetElement(3);
        }
        else
        {
            for (; i <= n - 4; i += 4)
            {
                var x0 = Unsafe.Add(ref v, i);
                var x1 = Unsafe.Add(ref v, i + 1);
                var x2 = Unsafe.Add(ref v, i + 2);
                var x3 = Unsafe.Add(ref v, i + 3);
                if (x0 < cut && x1 < cut && x2 < cut && x3 < cut) continue;
                l0 += Exp(x0 - max);
                l1 += Exp(x1 - max);
                l2 += Exp(x2 - max);
                l3 += Exp(x3 - max);
            }
        }
        var tail = 0.0;
        for (; i < n; i++) tail += Exp(Unsafe.Add(ref v, i) - max);
        return max + Math.Log((l0 + l1) + (l2 + l3) + tail);
    }

    /// <summary>The largest value (inputs here are never NaN).</summary>
    public static double Max(ReadOnlySpan<double> values)
    {
        var n = values.Length;
        ref var v = ref MemoryMarshal.GetReference(values);
        var max = double.NegativeInfinity;
        var i = 0;
        if (Vector256.IsHardwareAccelerated && n >= 4)
        {
            var vmax = Vector256.Create(double.NegativeInfinity);
            for (; i <= n - 4; i += 4) vmax = Vector256.Max(vmax, Vector256.LoadUnsafe(ref v, (nuint)i));
            max = Math.Max(Math.Max(vmax.GetElement(0), vmax.GetElement(1)), Math.Max(vmax.GetElement(2), vmax.GetElement(3)));
        }
        for (; i < n; i++) max = Math.Max(max, Unsafe.Add(ref v, i));
        return max;
    }

    /// <summary>exp(x) for x &lt;= 0 to about 1e-14 relative accuracy; 0 below -700.</summary>
    public static double Exp(double x)
    {
        var below = x < ExpFloor;
        x = Math.Max(x, ExpFloor);
        var t = x * Log2E + RoundingShifter;
        var k = t - RoundingShifter;
        var r = (x - k * Ln2High) - k * Ln2Low;
        var scale = BitConverter.Int64BitsToDouble((BitConverter.DoubleToInt64Bits(t) - ShifterBits + 1023) << 52);
        return below ? 0.0 : ExpPolynomial(r) * scale;
    }

    /// <summary>The vector form of <see cref="Exp(double)"/>, lane by lane the same operations.</summary>
    public static Vector256<double> Exp(Vector256<double> x)
    {
        var floor = Vector256.Create(ExpFloor);
        var below = Vector256.LessThan(x, floor);
        x = Vector256.Max(x, floor);
        var shifter = Vector256.Create(RoundingShifter);
        var t = x * Vector256.Create(Log2E) + shifter;
        var k = t - shifter;
        var r = (x - k * Vector256.Create(Ln2High)) - k * Vector256.Create(Ln2Low);
        var exponent = t.AsInt64() - Vector256.Create(ShifterBits) + Vector256.Create(1023L);
        var scale = (exponent << 52).AsDouble();
        var p = ExpPolynomial(r) * scale;
        return Vector256.ConditionalSelect(below, Vector256<double>.Zero, p);
    }

    // Taylor series of exp on |r| <= ln(2)/2 to degree 12 (truncation error ~1e-16), in Horner form.
    private static double ExpPolynomial(double r) =>
        1 + r * (1 + r * (1.0 / 2 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720 + r * (1.0 / 5040
        + r * (1.0 / 40320 + r * (1.0 / 362880 + r * (1.0 / 3628800 + r * (1.0 / 39916800 + r * (1.0 / 479001600))))))))))));

    private static Vector256<double> ExpPolynomial(Vector256<double> r)
    {
        var p = Vector256.Create(1.0 / 479001600);
        p = Vector256.Create(1.0 / 39916800) + r * p;
        p = Vector256.Create(1.0 / 3628800) + r * p;
        p = Vector256.Create(1.0 / 362880) + r * p;
        p = Vector256.Create(1.0 / 40320) + r * p;
        p = Vector256.Create(1.0 / 5040) + r * p;
        p = Vector256.Create(1.0 / 720) + r * p;
        p = Vector256.Create(1.0 / 120) + r * p;
        p = Vector256.Create(1.0 / 24) + r * p;
        p = Vector256.Create(1.0 / 6) + r * p;
        p = Vector256.Create(1.0 / 2) + r * p;
        p = Vector256.Create(1.0) + r * p;
        return Vector256.Create(1.0) + r * p;
    }

    /// <summary>
    /// log(Phi(b) - Phi(a)) for the standard normal, a &lt;= b: the log-probability of a kernel over an interval
    /// given in z-scores. Accurate far in the tails, where the plain difference of CDFs underflows.
    /// </summary>
    public static double LogNormalMass(double a, double b)
    {
        if (!(b > a)) return double.NegativeInfinity;
        // A narrow interval: the density at the midpoint times the width (relative error ~ width^2 / 24).
        if (b - a < 1e-3)
        {
            var mid = 0.5 * (a + b);
            return -0.5 * mid * mid - LogSqrt2Pi + Math.Log(b - a);
        }
        if (a >= 0) return LogUpperTailDifference(a, b);
        if (b <= 0) return LogUpperTailDifference(-b, -a);
        // The interval contains 0: both tails are at most 1/2, so the difference is well conditioned.
        return Math.Log(Math.Max(1.0 - Math.Exp(LogUpperTail(-a)) - Math.Exp(LogUpperTail(b)), double.Epsilon));
    }

    /// <summary>log(Q(a) - Q(b)) for 0 &lt;= a &lt; b, Q the upper tail of the standard normal.</summary>
    private static double LogUpperTailDifference(double a, double b)
    {
        var la = LogUpperTail(a);
        var lb = LogUpperTail(b);
        var d = lb - la;
        return d < 0 ? la + Math.Log(-double.ExpM1(d)) : la + Math.Log(1e-300);
    }

    /// <summary>
    /// <see cref="LogNormalMass"/> for the truncation of a kernel to the range, a &lt;= 0 &lt;= b, and the same double:
    /// 0 without computation when both ends are beyond <see cref="WholeMassZ"/> standard deviations (the usual case
    /// for narrow kernels), and only the near end's tail when one end is. The far tail is below 1.2e-19 there, under
    /// half a unit in the last place of one minus the near tail (at least 1/2), so subtracting it changes nothing.
    /// </summary>
    public static double LogTruncationMass(double a, double b)
    {
        var farBelow = a <= -WholeMassZ;
        var farAbove = b >= WholeMassZ;
        if (farBelow && farAbove) return 0.0;
        if (farAbove && a < 0) return Math.Log(Math.Max(1.0 - Math.Exp(LogUpperTail(-a)), double.Epsilon));
        if (farBelow && b > 0) return Math.Log(Math.Max(1.0 - Math.Exp(LogUpperTail(b)), double.Epsilon));
        return LogNormalMass(a, b);
    }

    /// <summary>log Q(z) = log P(Z &gt; z) for z &gt;= 0 (and +infinity), through log erfc(z / sqrt 2).</summary>
    public static double LogUpperTail(double z)
    {
        if (double.IsPositiveInfinity(z)) return double.NegativeInfinity;
        return Math.Log(0.5) + LogErfc(z * 0.70710678118654752440);
    }

    /// <summary>
    /// log erfc(x) for x &gt;= 0 without underflow: erfc(x) = t exp(-x^2 + P(t)), t = 1 / (1 + x / 2), with P the
    /// classic Chebyshev fit of fractional error below 1.2e-7 (enough for ranking candidates).
    /// </summary>
    public static double LogErfc(double x)
    {
        var t = 1.0 / (1.0 + 0.5 * x);
        var p = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
        return Math.Log(t) - x * x + p;
    }
}
