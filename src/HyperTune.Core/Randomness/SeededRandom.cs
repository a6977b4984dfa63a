namespace HyperTune.Core.Randomness;

/// <summary>
/// A small, fast pseudo-random generator (xoshiro256**, seeded through SplitMix64) whose sequence is fixed by its
/// seed on every platform and runtime version. Optimizers derive one per suggestion from the study seed and the
/// trial number, so a suggestion depends only on the seed and the history, never on how many calls came before.
/// </summary>
public sealed class SeededRandom
{
    private ulong _s0, _s1, _s2, _s3;
    private double? _spareGaussian;

    /// <summary>Creates a generator from a 64-bit seed.</summary>
    public SeededRandom(long seed)
    {
        var x = unchecked((ulong)seed);
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>A generator for one purpose, derived from a seed and any number of salts (trial number, stream name hash...).</summary>
    public static SeededRandom Derive(long seed, params long[] salts) => new(Mix(seed, salts));

    /// <summary>Mixes a seed and salts into a new well-spread seed.</summary>
    public static long Mix(long seed, params long[] salts)
    {
        var x = unchecked((ulong)seed);
        var h = SplitMix(ref x);
        foreach (var salt in salts)
        {
            x = h ^ unchecked((ulong)salt * 0x9E3779B97F4A7C15UL);
            h = SplitMix(ref x);
        }
        return unchecked((long)h);
    }

    /// <summary>A stable 64-bit hash of a string (FNV-1a), for salting streams by name.</summary>
    public static long StableHash(string text)
    {
        var h = 14695981039346656037UL;
        foreach (var c in text)
        {
            h ^= c;
            h *= 1099511628211UL;
        }
        return unchecked((long)h);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [low, high).</summary>
    public double NextDouble(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Uniform integer in [0, maxExclusive).</summary>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0) throw new ArgumentOutOfRangeException(nameof(maxExclusive));
        return (int)((NextUInt64() >> 33) % (ulong)maxExclusive);
    }

    /// <summary>Uniform integer in [low, highInclusive].</summary>
    public long NextLong(long low, long highInclusive)
    {
        if (highInclusive < low) throw new ArgumentOutOfRangeException(nameof(highInclusive));
        var span = unchecked((ulong)(highInclusive - low) + 1UL);
        return span == 0 ? unchecked((long)NextUInt64()) : low + (long)(NextUInt64() % span);
    }

    /// <summary>Standard normal variate (Marsaglia polar method).</summary>
    public double NextGaussian()
    {
        if (_spareGaussian is { } spare)
        {
            _spareGaussian = null;
            return spare;
        }
        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        var m = Math.Sqrt(-2 * Math.Log(s) / s);
        _spareGaussian = v * m;
        return u * m;
    }

    /// <summary>Shuffles a list in place (Fisher-Yates).</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        var z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
