namespace HyperTune.Core.Optimizers.Designs;

/// <summary>
/// Primitive polynomials over GF(2), found by enumeration rather than read from a table. A polynomial
/// <c>x^s + a_1 x^(s-1) + ... + a_(s-1) x + 1</c> is stored as an integer whose bit <c>i</c> is the coefficient of
/// <c>x^i</c> (so bit <c>s</c> and bit 0 are always set).
/// </summary>
/// <remarks>
/// A degree-<c>s</c> polynomial <c>p</c> with a non-zero constant term is primitive exactly when <c>x</c> has
/// multiplicative order <c>2^s - 1</c> modulo <c>p</c>: then <c>GF(2)[x]/p</c> has <c>2^s - 1</c> units, which only
/// happens when it is a field (so <c>p</c> is irreducible), and <c>x</c> generates its multiplicative group. The
/// order test checks <c>x^(2^s-1) = 1</c> and <c>x^((2^s-1)/q) != 1</c> for every prime factor <c>q</c>.
/// </remarks>
public static class PrimitivePolynomials
{
    /// <summary>The largest degree <see cref="OfDegree"/> accepts (products of degree-31 polynomials fit in 64 bits).</summary>
    public const int MaxDegree = 31;

    /// <summary>All primitive polynomials of a degree, in increasing order of their integer encoding.</summary>
    public static IReadOnlyList<ulong> OfDegree(int degree)
    {
        if (degree < 1 || degree > MaxDegree) throw new ArgumentOutOfRangeException(nameof(degree));
        var result = new List<ulong>();
        var top = 1UL << degree;
        // Middle coefficients a_1..a_(s-1) run over every bit pattern; the leading and constant terms are fixed.
        for (var middle = 0UL; middle < 1UL << (degree - 1); middle++)
        {
            var p = top | (middle << 1) | 1UL;
            if (IsPrimitive(p, degree)) result.Add(p);
        }
        return result;
    }

    /// <summary>True when <paramref name="polynomial"/> (of the given degree) is primitive over GF(2).</summary>
    public static bool IsPrimitive(ulong polynomial, int degree)
    {
        if (degree < 1 || degree > MaxDegree) throw new ArgumentOutOfRangeException(nameof(degree));
        if (polynomial >> degree != 1UL || (polynomial & 1UL) == 0) return false;
        var order = (1UL << degree) - 1;
        if (PowerOfX(order, polynomial, degree) != 1UL) return false;
        foreach (var q in PrimeFactors(order))
            if (PowerOfX(order / q, polynomial, degree) == 1UL) return false;
        return true;
    }

    /// <summary>x^e modulo p, by square-and-multiply on polynomials of degree below <paramref name="degree"/>.</summary>
    private static ulong PowerOfX(ulong exponent, ulong p, int degree)
    {
        var result = 1UL;
        var basePoly = Reduce(0b10, p, degree);
        while (exponent > 0)
        {
            if ((exponent & 1UL) != 0) result = MultiplyMod(result, basePoly, p, degree);
            basePoly = MultiplyMod(basePoly, basePoly, p, degree);
            exponent >>= 1;
        }
        return result;
    }

    private static ulong MultiplyMod(ulong a, ulong b, ulong p, int degree)
    {
        // Carry-less multiply with reduction after each shift keeps every intermediate below 2^degree.
        var result = 0UL;
        while (b != 0)
        {
            if ((b & 1UL) != 0) result ^= a;
            b >>= 1;
            a <<= 1;
            if ((a >> degree & 1UL) != 0) a ^= p;
        }
        return result;
    }

    private static ulong Reduce(ulong a, ulong p, int degree)
    {
        for (var bit = 63; bit >= degree; bit--)
            if ((a >> bit & 1UL) != 0) a ^= p << (bit - degree);
        return a;
    }

    private static IEnumerable<ulong> PrimeFactors(ulong n)
    {
        for (var q = 2UL; q * q <= n; q++)
        {
            if (n % q != 0) continue;
            yield return q;
            while (n % q == 0) n /= q;
        }
        if (n > 1) yield return n;
    }
}
