namespace HyperTune.Core.Optimizers.GaussianProcess;

/// <summary>
/// Cholesky factorization and the solves and inverse built on it, in place on one flat row-major n×n array (only
/// the lower triangle is read or written). This is the hyperparameter fit's inner loop, evaluated dozens of times per
/// fit, so it avoids per-row allocations; the arithmetic is the same row-by-row (Cholesky–Banachiewicz) recurrence as
/// <see cref="CholeskyFactor"/>, with sums through <see cref="VectorMath.Dot"/>, so results do not depend on the
/// machine's vector width.
/// </summary>
internal static class DenseCholesky
{
    /// <summary>
    /// Replaces the lower triangle of the symmetric matrix <paramref name="a"/> (order <paramref name="n"/>) by its
    /// Cholesky factor L. Returns false when the matrix is not numerically positive definite (then the content is
    /// undefined).
    /// </summary>
    public static bool TryFactor(Span<double> a, int n)
    {
        for (var i = 0; i < n; i++)
        {
            var row = a.Slice(i * n, n);
            for (var j = 0; j < i; j++)
            {
                var lj = a.Slice(j * n, j + 1);
                row[j] = (row[j] - VectorMath.Dot(row[..j], lj[..j])) / lj[j];
            }
            var d = row[i] - VectorMath.Dot(row[..i], row[..i]);
            if (!(d > 0) || !double.IsFinite(d)) return false;
            row[i] = Math.Sqrt(d);
        }
        return true;
    }

    /// <summary>Solves L Lᵀ x = b in place, L being the factor in <paramref name="l"/>.</summary>
    public static void Solve(ReadOnlySpan<double> l, int n, Span<double> b)
    {
        for (var i = 0; i < n; i++)
        {
            var row = l.Slice(i * n, i + 1);
            b[i] = (b[i] - VectorMath.Dot(row[..i], b[..i])) / row[i];
        }
        for (var i = n - 1; i >= 0; i--)
        {
            var row = l.Slice(i * n, i + 1);
            b[i] /= row[i];
            VectorMath.SubtractScaled(b[..i], b[i], row[..i]);
        }
    }

    /// <summary>log det(L Lᵀ) = 2 Σ log Lᵢᵢ.</summary>
    public static double LogDeterminant(ReadOnlySpan<double> l, int n)
    {
        var s = 0.0;
        for (var i = 0; i < n; i++) s += Math.Log(l[i * n + i]);
        return 2 * s;
    }

    /// <summary>
    /// The columns of L⁻¹ into <paramref name="columns"/> (n×n): column a is stored in row a, entries a..n-1 (L⁻¹ is
    /// lower triangular, so the others are zero and are not written). Then (L Lᵀ)⁻¹[i, j] for j ≤ i is the dot product
    /// of stored rows i and j over entries i..n-1 (see <see cref="InverseEntry"/>).
    /// </summary>
    public static void InverseColumns(ReadOnlySpan<double> l, int n, Span<double> columns)
    {
        for (var a = 0; a < n; a++)
        {
            var c = columns.Slice(a * n, n);
            c[a] = 1 / l[a * n + a];
            for (var k = a + 1; k < n; k++)
            {
                var row = l.Slice(k * n, k + 1);
                c[k] = -VectorMath.Dot(row[a..k], c[a..k]) / row[k];
            }
        }
    }

    /// <summary>(L Lᵀ)⁻¹[i, j] for j ≤ i from the columns computed by <see cref="InverseColumns"/>.</summary>
    public static double InverseEntry(ReadOnlySpan<double> columns, int n, int i, int j) =>
        VectorMath.Dot(columns.Slice(j * n + i, n - i), columns.Slice(i * n + i, n - i));
}
