namespace HyperTune.Core.Optimizers.GaussianProcess;

/// <summary>
/// The lower-triangular Cholesky factor L of a symmetric positive definite matrix (A = L Lᵀ), stored row by row.
/// Rows are computed in order from the rows above them (Cholesky–Banachiewicz), so appending rows for new points
/// gives exactly the factor a from-scratch factorization of the larger matrix would: that is what lets the GP add
/// fantasized pending points cheaply without changing any result.
/// </summary>
internal sealed class CholeskyFactor
{
    private readonly List<double[]> _rows;

    private CholeskyFactor(List<double[]> rows) => _rows = rows;

    /// <summary>The matrix order.</summary>
    public int Size => _rows.Count;

    /// <summary>Row <paramref name="i"/> of L (its first i + 1 entries; the rest are zero).</summary>
    public ReadOnlySpan<double> Row(int i) => _rows[i];

    /// <summary>Factors a matrix given by its lower triangle (<paramref name="lower"/>[i][j] for j ≤ i); null when not positive definite.</summary>
    public static CholeskyFactor? Factor(IReadOnlyList<double[]> lower)
    {
        var f = new CholeskyFactor(new List<double[]>(lower.Count));
        foreach (var row in lower)
            if (!f.TryAppend(row)) return null;
        return f;
    }

    /// <summary>A copy that can be extended without changing this factor.</summary>
    public CholeskyFactor Copy() => new(_rows.Select(r => (double[])r.Clone()).ToList());

    /// <summary>
    /// Appends the row of a new point: <paramref name="lowerRow"/> holds its covariances with the existing points and
    /// itself (length <see cref="Size"/> + 1). Returns false, leaving the factor unchanged, when the extended matrix is
    /// not numerically positive definite.
    /// </summary>
    public bool TryAppend(ReadOnlySpan<double> lowerRow)
    {
        var i = _rows.Count;
        if (lowerRow.Length != i + 1) throw new ArgumentException("a new row needs one entry per existing point plus its diagonal");
        var row = new double[i + 1];
        for (var j = 0; j < i; j++)
        {
            var lj = _rows[j];
            row[j] = (lowerRow[j] - VectorMath.Dot(row.AsSpan(0, j), lj.AsSpan(0, j))) / lj[j];
        }
        var d = lowerRow[i] - VectorMath.Dot(row.AsSpan(0, i), row.AsSpan(0, i));
        if (!(d > 0) || !double.IsFinite(d)) return false;
        row[i] = Math.Sqrt(d);
        _rows.Add(row);
        return true;
    }

    /// <summary>Solves L v = b in place.</summary>
    public void SolveLower(Span<double> b)
    {
        for (var i = 0; i < _rows.Count; i++)
        {
            var row = _rows[i];
            b[i] = (b[i] - VectorMath.Dot(row.AsSpan(0, i), b[..i])) / row[i];
        }
    }

    /// <summary>Solves Lᵀ w = v in place.</summary>
    public void SolveUpper(Span<double> v)
    {
        for (var i = _rows.Count - 1; i >= 0; i--)
        {
            var row = _rows[i];
            v[i] /= row[i];
            VectorMath.SubtractScaled(v[..i], v[i], row.AsSpan(0, i));
        }
    }

    /// <summary>Solves A x = b (A = L Lᵀ) in place.</summary>
    public void Solve(Span<double> b)
    {
        SolveLower(b);
        SolveUpper(b);
    }

    /// <summary>log det A = 2 Σ log Lᵢᵢ.</summary>
    public double LogDeterminant()
    {
        var s = 0.0;
        for (var i = 0; i < _rows.Count; i++) s += Math.Log(_rows[i][i]);
        return 2 * s;
    }

    /// <summary>
    /// The inverse A⁻¹, lower triangle (result[i][j] for j ≤ i). Columns of L⁻¹ come from forward solves against unit
    /// vectors; A⁻¹ = L⁻ᵀ L⁻¹ is then a dot product of two of those columns per entry.
    /// </summary>
    public double[][] InverseLower()
    {
        var n = _rows.Count;
        // column a of L⁻¹, entries a..n-1, stored from index 0
        var columns = new double[n][];
        for (var a = 0; a < n; a++)
        {
            var c = new double[n - a];
            c[0] = 1 / _rows[a][a];
            for (var k = a + 1; k < n; k++)
            {
                var row = _rows[k];
                c[k - a] = -VectorMath.Dot(row.AsSpan(a, k - a), c.AsSpan(0, k - a)) / row[k];
            }
            columns[a] = c;
        }
        var inv = new double[n][];
        for (var i = 0; i < n; i++)
        {
            var r = new double[i + 1];
            var ci = columns[i];
            for (var j = 0; j <= i; j++)
                r[j] = VectorMath.Dot(columns[j].AsSpan(i - j), ci);
            inv[i] = r;
        }
        return inv;
    }
}
