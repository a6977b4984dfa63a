using System.Numerics;
using HyperTune.Core.Randomness;

namespace HyperTune.Core.Optimizers.Designs;

/// <summary>
/// The Sobol low-discrepancy sequence in the unit cube, in Gray-code order (Antonov-Saleev): point n is the XOR of
/// the direction numbers selected by the bits of <c>n xor (n &gt;&gt; 1)</c>, so consecutive points differ by one
/// XOR per coordinate and any point can also be computed directly from its index. The first 2^k points are the same
/// set as in the natural order, so every 2^k-point prefix is a (t, k, d)-net. Points are optionally scrambled from a
/// seed (<see cref="SobolScrambling"/>): different seeds give different designs with the same structure.
/// Direction numbers come from <see cref="SobolDirectionNumbers"/>.
/// </summary>
public sealed class SobolSequence
{
    /// <summary>How many distinct points the sequence has (coordinates carry 32 binary digits).</summary>
    public const long MaxPoints = 1L << SobolDirectionNumbers.Bits;

    private const double TwoToMinus32 = 1.0 / (1UL << 32);
    private const int FractionBits = 20; // extra random digits below the 32nd (52 bits in all fit a double exactly)

    private readonly uint[][] _directions;
    private readonly long[] _keys;
    private readonly uint[] _shifts;
    private readonly double[] _shiftFractions;

    /// <summary>Creates the sequence for <paramref name="dimension"/> coordinates.</summary>
    /// <param name="dimension">Number of coordinates, 1 to <see cref="SobolDirectionNumbers.MaxDimension"/>.</param>
    /// <param name="scrambling">How to randomize the points.</param>
    /// <param name="seed">Seed of the scrambling (ignored for <see cref="SobolScrambling.None"/>).</param>
    public SobolSequence(int dimension, SobolScrambling scrambling = SobolScrambling.Owen, long seed = 0)
    {
        if (dimension < 1 || dimension > SobolDirectionNumbers.MaxDimension)
            throw new ArgumentOutOfRangeException(nameof(dimension), $"dimension must be 1..{SobolDirectionNumbers.MaxDimension}");
        Dimension = dimension;
        Scrambling = scrambling;
        _directions = new uint[dimension][];
        _keys = new long[dimension];
        _shifts = new uint[dimension];
        _shiftFractions = new double[dimension];
        for (var j = 0; j < dimension; j++)
        {
            _directions[j] = SobolDirectionNumbers.Get(j).Directions.ToArray();
            _keys[j] = SeededRandom.Mix(seed, j, SeededRandom.StableHash("sobol.scramble"));
            var shift = unchecked((ulong)SeededRandom.Mix(_keys[j], SeededRandom.StableHash("sobol.shift")));
            _shifts[j] = (uint)(shift >> 32);
            _shiftFractions[j] = (shift >> (32 - FractionBits) & ((1UL << FractionBits) - 1)) / (double)(1UL << FractionBits);
        }
    }

    /// <summary>Number of coordinates.</summary>
    public int Dimension { get; }

    /// <summary>The scrambling applied.</summary>
    public SobolScrambling Scrambling { get; }

    /// <summary>The unscrambled binary digits of point <paramref name="index"/> (coordinate = digits / 2^32).</summary>
    public uint[] RawPoint(long index)
    {
        CheckIndex(index);
        var gray = (ulong)index ^ ((ulong)index >> 1);
        var x = new uint[Dimension];
        while (gray != 0)
        {
            var k = BitOperations.TrailingZeroCount(gray);
            for (var j = 0; j < Dimension; j++) x[j] ^= _directions[j][k];
            gray &= gray - 1;
        }
        return x;
    }

    /// <summary>Point <paramref name="index"/> (0-based), each coordinate in [0, 1).</summary>
    public double[] Point(long index) => Scramble(RawPoint(index));

    /// <summary>
    /// <paramref name="count"/> consecutive points from <paramref name="start"/>, generated incrementally: point n
    /// is point n - 1 XOR the direction number indexed by the lowest set bit of n.
    /// </summary>
    public IEnumerable<double[]> Points(long start, int count)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count));
        if (count == 0) yield break;
        CheckIndex(start + count - 1);
        var x = RawPoint(start);
        yield return Scramble(x);
        for (var n = start + 1; n < start + count; n++)
        {
            var k = BitOperations.TrailingZeroCount((ulong)n);
            for (var j = 0; j < Dimension; j++) x[j] ^= _directions[j][k];
            yield return Scramble(x);
        }
    }

    private double[] Scramble(uint[] digits)
    {
        var u = new double[Dimension];
        for (var j = 0; j < Dimension; j++)
        {
            u[j] = Scrambling switch
            {
                SobolScrambling.None => digits[j] * TwoToMinus32,
                SobolScrambling.DigitalShift => ((digits[j] ^ _shifts[j]) + _shiftFractions[j]) * TwoToMinus32,
                _ => OwenScramble(digits[j], _keys[j]),
            };
        }
        return u;
    }

    /// <summary>
    /// Nested uniform scrambling by hashing: digit d (d = 0 the most significant) is flipped when a hash of the key,
    /// d and the d original digits before it is odd. Points sharing their first d digits share the same flip, which
    /// is what makes it a permutation of each elementary interval's sub-intervals.
    /// </summary>
    private static double OwenScramble(uint x, long key)
    {
        var result = 0u;
        for (var d = 0; d < SobolDirectionNumbers.Bits; d++)
        {
            var bit = SobolDirectionNumbers.Bits - 1 - d;
            var prefix = d == 0 ? 0UL : (ulong)(x >> (bit + 1));
            var flip = (uint)SeededRandom.Mix(key, ((long)d << 32) | (long)prefix) & 1u;
            result |= (((x >> bit) & 1u) ^ flip) << bit;
        }
        // Below the 32nd digit the scrambled point is uniform in its cell: fill FractionBits more digits.
        var tail = (ulong)SeededRandom.Mix(key, ((long)SobolDirectionNumbers.Bits << 32) | x);
        var fraction = (tail >> (64 - FractionBits)) / (double)(1UL << FractionBits);
        return (result + fraction) * TwoToMinus32;
    }

    private static void CheckIndex(long index)
    {
        if (index < 0 || index >= MaxPoints)
            throw new ArgumentOutOfRangeException(nameof(index), $"Sobol point index must be 0..2^32-1, got {index}");
    }
}
