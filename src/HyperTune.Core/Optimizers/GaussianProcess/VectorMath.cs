using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace HyperTune.Core.Optimizers.GaussianProcess;

/// <summary>
/// The few dense kernels the GP needs, written so their results do not depend on the machine: sums always run in
/// four interleaved lanes combined as <c>(l0 + l1) + (l2 + l3)</c>, whether the hardware has 256-bit vectors or
/// not, and no multiply-add is fused. A coordinator recovered on another node then computes the same suggestion.
/// </summary>
internal static class VectorMath
{
    /// <summary>Dot product of two equally long spans.</summary>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var n = a.Length;
        if (b.Length < n) throw new ArgumentException("spans differ in length");
        var i = 0;
        double s0, s1, s2, s3;
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            ref var ra = ref MemoryMarshal.GetReference(a);
            ref var rb = ref MemoryMarshal.GetReference(b);
            var acc = Vector256<double>.Zero;
            for (; i <= n - 4; i += 4)
                acc += Vector256.LoadUnsafe(ref ra, (nuint)i) * Vector256.LoadUnsafe(ref rb, (nuint)i);
            s0 = acc.GetElement(0);
            s1 = acc.GetElement(1);
            s2 = acc.GetElement(2);
            s3 = acc.GetElement(3);
        }
        else
        {
            s0 = s1 = s2 = s3 = 0;
            for (; i <= n - 4; i += 4)
            {
                s0 += a[i] * b[i];
                s1 += a[i + 1] * b[i + 1];
                s2 += a[i + 2] * b[i + 2];
                s3 += a[i + 3] * b[i + 3];
            }
        }
        var sum = (s0 + s1) + (s2 + s3);
        for (; i < n; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary><c>y[i] -= alpha * x[i]</c> over the length of <paramref name="x"/> (element-wise, so order-independent).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SubtractScaled(Span<double> y, double alpha, ReadOnlySpan<double> x)
    {
        var n = x.Length;
        var i = 0;
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            ref var rx = ref MemoryMarshal.GetReference(x);
            ref var ry = ref MemoryMarshal.GetReference(y);
            var va = Vector256.Create(alpha);
            for (; i <= n - 4; i += 4)
                (Vector256.LoadUnsafe(ref ry, (nuint)i) - va * Vector256.LoadUnsafe(ref rx, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
        }
        for (; i < n; i++) y[i] -= alpha * x[i];
    }
}
