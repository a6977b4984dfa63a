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
    /// <remarks>Bit-identical to subtracting: IEEE negation is exact, so <c>y + (-alpha) * x == y - alpha * x</c>.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SubtractScaled(Span<double> y, double alpha, ReadOnlySpan<double> x) => AddScaled(y, -alpha, x);

    /// <summary><c>y[i] += alpha * x[i]</c> over the length of <paramref name="x"/> (element-wise, so order-independent).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddScaled(Span<double> y, double alpha, ReadOnlySpan<double> x)
    {
        var n = x.Length;
        var i = 0;
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            ref var rx = ref MemoryMarshal.GetReference(x);
            ref var ry = ref MemoryMarshal.GetReference(y);
            var va = Vector256.Create(alpha);
            for (; i <= n - 4; i += 4)
                (Vector256.LoadUnsafe(ref ry, (nuint)i) + va * Vector256.LoadUnsafe(ref rx, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
        }
        for (; i < n; i++) y[i] += alpha * x[i];
    }

    /// <summary>
    /// Row <paramref name="i"/> of a forward substitution L W = K for eight right-hand sides stored row-major in
    /// <paramref name="w"/> (8 entries per row): w_i = (k_i - Σ_{j&lt;i} L_ij w_j) / L_ii, with <paramref name="lowerRow"/>
    /// the first i + 1 entries of row i of L. The sum runs over j in order for each of the eight columns, the same
    /// with or without vector hardware.
    /// </summary>
    public static void ForwardSubstitutionRow8(ReadOnlySpan<double> lowerRow, Span<double> w, int i)
    {
        const int width = 8;
        var target = w.Slice(i * width, width);
        if (Vector256.IsHardwareAccelerated)
        {
            ref var rw = ref MemoryMarshal.GetReference(w);
            var offset = (nuint)(i * width);
            var low = Vector256.LoadUnsafe(ref rw, offset);
            var high = Vector256.LoadUnsafe(ref rw, offset + 4);
            for (var j = 0; j < i; j++)
            {
                var l = Vector256.Create(lowerRow[j]);
                var at = (nuint)(j * width);
                low -= l * Vector256.LoadUnsafe(ref rw, at);
                high -= l * Vector256.LoadUnsafe(ref rw, at + 4);
            }
            var diagonal = Vector256.Create(lowerRow[i]);
            (low / diagonal).StoreUnsafe(ref rw, offset);
            (high / diagonal).StoreUnsafe(ref rw, offset + 4);
            return;
        }
        for (var c = 0; c < width; c++)
        {
            var s = target[c];
            for (var j = 0; j < i; j++) s -= lowerRow[j] * w[j * width + c];
            target[c] = s / lowerRow[i];
        }
    }

    /// <summary><c>y[i] += a[i] * b[i]</c> over the length of <paramref name="a"/> (element-wise, so order-independent).</summary>
    public static void AddProducts(Span<double> y, ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var n = a.Length;
        var i = 0;
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            ref var ra = ref MemoryMarshal.GetReference(a);
            ref var rb = ref MemoryMarshal.GetReference(b);
            ref var ry = ref MemoryMarshal.GetReference(y);
            for (; i <= n - 4; i += 4)
                (Vector256.LoadUnsafe(ref ry, (nuint)i) + Vector256.LoadUnsafe(ref ra, (nuint)i) * Vector256.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
        }
        for (; i < n; i++) y[i] += a[i] * b[i];
    }
}
