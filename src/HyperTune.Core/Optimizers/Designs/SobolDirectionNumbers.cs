using HyperTune.Core.Randomness;

namespace HyperTune.Core.Optimizers.Designs;

/// <summary>
/// Direction numbers of the Sobol sequence, derived here rather than copied from a published table.
/// </summary>
/// <remarks>
/// <para>Construction (dimension <c>j</c>, 0-based):</para>
/// <list type="bullet">
/// <item>Dimension 0 is the van der Corput sequence: every <c>m_k = 1</c>.</item>
/// <item>Dimension <c>j &gt;= 1</c> takes the <c>j</c>-th primitive polynomial over GF(2), listing them by degree
/// and, within a degree, by increasing integer encoding (<see cref="PrimitivePolynomials"/>): x+1, x^2+x+1,
/// x^3+x+1, x^3+x^2+1, ...</item>
/// <item>For a polynomial of degree <c>s</c> the initial numbers <c>m_1..m_s</c> must be odd with <c>m_k &lt; 2^k</c>.
/// Any such choice gives a valid Sobol sequence (a (t,s)-sequence in base 2); the choice affects only the quality
/// of low-dimensional projections. We draw <see cref="CandidatesPerDimension"/> candidate sets from a fixed
/// <see cref="SeededRandom"/> stream (or all of them when there are fewer) and keep the one whose two-dimensional
/// projections with the previous <see cref="QualityWindow"/> dimensions have the smallest total t-value over the
/// first <c>2^1..2^QualityLevels</c> points. Ties go to the earlier candidate, so the table is fixed.</item>
/// <item>The remaining numbers follow Sobol's recurrence
/// <c>m_k = 2 a_1 m_(k-1) xor 4 a_2 m_(k-2) xor ... xor 2^s m_(k-s) xor m_(k-s)</c>; direction number
/// <c>v_k = m_k / 2^k</c> is stored as the 32-bit integer <c>m_k &lt;&lt; (32 - k)</c>.</item>
/// </list>
/// <para>The table is computed lazily, once per process, up to the largest dimension asked for.</para>
/// </remarks>
public static class SobolDirectionNumbers
{
    /// <summary>Bits of each coordinate: the sequence has 2^32 distinct points.</summary>
    public const int Bits = 32;

    /// <summary>The largest dimension supported.</summary>
    public const int MaxDimension = 4096;

    /// <summary>How many candidate sets of initial numbers are compared for each dimension.</summary>
    public const int CandidatesPerDimension = 8;

    /// <summary>Projections are scored on the first 2^1, 2^2, ..., 2^QualityLevels points.</summary>
    public const int QualityLevels = 10;

    /// <summary>How many preceding dimensions a new dimension's projections are scored against.</summary>
    public const int QualityWindow = 64;

    // A fixed seed for the candidate stream: part of the definition of the table, never a study seed.
    private static readonly long CandidateSeed = SeededRandom.StableHash("sobol.initial-direction-numbers");

    private static readonly object Gate = new();
    private static readonly List<Dimension> Table = new();
    private static readonly List<uint[]> RowsTable = new(); // generator-matrix rows used for scoring, per dimension
    private static int _nextDegree = 1;
    private static readonly Queue<ulong> PendingPolynomials = new();

    /// <summary>One dimension's polynomial, initial numbers and 32 direction numbers.</summary>
    /// <param name="Polynomial">The primitive polynomial (bit i = coefficient of x^i); 0 for dimension 0.</param>
    /// <param name="Degree">Its degree (0 for dimension 0).</param>
    /// <param name="InitialNumbers">m_1..m_s (for dimension 0, the single m_1 = 1).</param>
    /// <param name="Directions">v_1..v_32 as 32-bit integers (v_k has its leading bit at position 32 - k).</param>
    public sealed record Dimension(ulong Polynomial, int Degree, IReadOnlyList<uint> InitialNumbers, IReadOnlyList<uint> Directions)
    {
        /// <summary>Row r (r = 0 is the first binary digit) of the generator matrix, over the first <paramref name="columns"/> columns.</summary>
        internal uint Row(int r, int columns)
        {
            var mask = 0u;
            for (var c = 0; c < columns; c++)
                mask |= ((Directions[c] >> (Bits - 1 - r)) & 1u) << c;
            return mask;
        }
    }

    /// <summary>The direction numbers of dimension <paramref name="dimension"/> (0-based).</summary>
    public static Dimension Get(int dimension)
    {
        if (dimension < 0 || dimension >= MaxDimension)
            throw new ArgumentOutOfRangeException(nameof(dimension), $"Sobol dimensions run from 0 to {MaxDimension - 1}");
        lock (Gate)
        {
            while (Table.Count <= dimension)
            {
                var built = Build(Table.Count);
                Table.Add(built);
                RowsTable.Add(QualityRows(built));
            }
            return Table[dimension];
        }
    }

    /// <summary>The t-value of the two-dimensional projection (dimensions a, b) of the first 2^m points.</summary>
    public static int TValue(Dimension a, Dimension b, int m)
    {
        var rowsA = new uint[m];
        var rowsB = new uint[m];
        for (var r = 0; r < m; r++)
        {
            rowsA[r] = a.Row(r, m);
            rowsB[r] = b.Row(r, m);
        }
        return TValue(rowsA, rowsB, m);
    }

    private static Dimension Build(int dimension)
    {
        if (dimension == 0)
        {
            var vdc = new uint[Bits];
            for (var k = 0; k < Bits; k++) vdc[k] = 1u << (Bits - 1 - k);
            return new Dimension(0, 0, new uint[] { 1 }, vdc);
        }
        var polynomial = NextPolynomial();
        var degree = 63 - System.Numerics.BitOperations.LeadingZeroCount(polynomial);
        Dimension? best = null;
        var bestScore = long.MaxValue;
        foreach (var initial in Candidates(dimension, degree))
        {
            var candidate = new Dimension(polynomial, degree, initial, Directions(polynomial, degree, initial));
            var score = Score(candidate, dimension);
            if (score < bestScore)
            {
                best = candidate;
                bestScore = score;
            }
        }
        return best!;
    }

    private static ulong NextPolynomial()
    {
        while (PendingPolynomials.Count == 0)
        {
            foreach (var p in PrimitivePolynomials.OfDegree(_nextDegree)) PendingPolynomials.Enqueue(p);
            _nextDegree++;
        }
        return PendingPolynomials.Dequeue();
    }

    private static IEnumerable<uint[]> Candidates(int dimension, int degree)
    {
        // Number of legal sets: prod_k 2^(k-1) = 2^(s(s-1)/2). Enumerate them all when that is small.
        var exponent = degree * (degree - 1) / 2;
        if (exponent < 31 && (1L << exponent) <= CandidatesPerDimension)
        {
            for (var code = 0L; code < 1L << exponent; code++)
            {
                var m = new uint[degree];
                var rest = code;
                for (var k = 1; k <= degree; k++)
                {
                    var choices = 1L << (k - 1);
                    m[k - 1] = (uint)(2 * (rest % choices) + 1);
                    rest /= choices;
                }
                yield return m;
            }
            yield break;
        }
        for (var c = 0; c < CandidatesPerDimension; c++)
        {
            var random = SeededRandom.Derive(CandidateSeed, dimension, c);
            var m = new uint[degree];
            for (var k = 1; k <= degree; k++)
                m[k - 1] = (uint)(2 * random.NextLong(0, (1L << (k - 1)) - 1) + 1);
            yield return m;
        }
    }

    private static uint[] Directions(ulong polynomial, int degree, IReadOnlyList<uint> initial)
    {
        var v = new uint[Bits];
        for (var k = 0; k < Math.Min(degree, Bits); k++) v[k] = initial[k] << (Bits - 1 - k);
        for (var k = degree; k < Bits; k++)
        {
            var x = v[k - degree] ^ (v[k - degree] >> degree);
            for (var i = 1; i < degree; i++)
                if ((polynomial >> (degree - i) & 1UL) != 0) x ^= v[k - i];
            v[k] = x;
        }
        return v;
    }

    private static long Score(Dimension candidate, int dimension)
    {
        var score = 0L;
        var candidateRows = QualityRows(candidate);
        var rowsNew = new uint[QualityLevels];
        var rowsOld = new uint[QualityLevels];
        for (var other = Math.Max(0, dimension - QualityWindow); other < dimension; other++)
        {
            var previousRows = RowsTable[other];
            for (var m = 1; m <= QualityLevels; m++)
            {
                var columns = (1u << m) - 1;
                for (var r = 0; r < m; r++)
                {
                    rowsNew[r] = candidateRows[r] & columns;
                    rowsOld[r] = previousRows[r] & columns;
                }
                score += TValue(rowsOld, rowsNew, m);
            }
        }
        return score;
    }

    private static uint[] QualityRows(Dimension d)
    {
        var rows = new uint[QualityLevels];
        for (var r = 0; r < QualityLevels; r++) rows[r] = d.Row(r, QualityLevels);
        return rows;
    }

    /// <summary>
    /// t = m - q where q is the largest number such that, for every split d1 + d2 = q, the first d1 rows of one
    /// generator matrix and the first d2 rows of the other are linearly independent: then every elementary box of
    /// volume 2^(t-m) holds exactly 2^t of the 2^m points.
    /// </summary>
    private static int TValue(uint[] rowsA, uint[] rowsB, int m)
    {
        var q = 0;
        while (q < m && AllSplitsIndependent(rowsA, rowsB, q + 1)) q++;
        return m - q;
    }

    private static bool AllSplitsIndependent(uint[] rowsA, uint[] rowsB, int q)
    {
        Span<uint> basis = stackalloc uint[32];
        for (var d1 = 0; d1 <= q; d1++)
        {
            basis.Clear();
            var independent = true;
            for (var r = 0; r < q && independent; r++)
                independent = Insert(basis, r < d1 ? rowsA[r] : rowsB[r - d1]);
            if (!independent) return false;
        }
        return true;
    }

    /// <summary>Adds a vector to a GF(2) basis indexed by leading bit; false when it is a combination of the basis.</summary>
    private static bool Insert(Span<uint> basis, uint v)
    {
        while (v != 0)
        {
            var lead = 31 - System.Numerics.BitOperations.LeadingZeroCount(v);
            if (basis[lead] == 0)
            {
                basis[lead] = v;
                return true;
            }
            v ^= basis[lead];
        }
        return false;
    }
}
