using HyperTune.Core.Optimizers.Designs;

namespace HyperTune.Core.Tests.Optimizers.Designs;

public class SobolSequenceTests
{
    [Fact]
    public void Unscrambled_prefixes_of_every_coordinate_are_permutations_of_the_k_bit_grid()
    {
        var sobol = new SobolSequence(64, SobolScrambling.None);
        var points = sobol.Points(0, 1 << 10).ToList();
        for (var k = 0; k <= 10; k++)
        {
            var n = 1 << k;
            for (var j = 0; j < 64; j++)
            {
                var cells = points.Take(n).Select(p => p[j] * n).ToList();
                // Exactly on the grid (only the first k digits can be set) and each grid value once.
                Assert.All(cells, c => Assert.Equal(Math.Floor(c), c));
                Assert.Equal(Enumerable.Range(0, n).Select(i => (double)i), cells.OrderBy(c => c));
            }
        }
    }

    [Fact]
    public void Two_dimensional_projections_are_nets_with_the_t_value_Sobol_guarantees()
    {
        // For dimensions with polynomial degrees s_a, s_b the pair is a (t, 2)-sequence with t <= (s_a-1)+(s_b-1)
        // (dimension 0 counts as degree 1): every elementary box of area 2^(t-m) holds exactly 2^t of the first 2^m points.
        const int dims = 8, maxM = 9;
        var sobol = new SobolSequence(dims, SobolScrambling.None);
        var points = sobol.Points(0, 1 << maxM).ToList();
        for (var a = 0; a < dims; a++)
        for (var b = a + 1; b < dims; b++)
        {
            var da = SobolDirectionNumbers.Get(a);
            var db = SobolDirectionNumbers.Get(b);
            var bound = Math.Max(da.Degree, 1) - 1 + Math.Max(db.Degree, 1) - 1;
            for (var m = 1; m <= maxM; m++)
            {
                var t = SobolDirectionNumbers.TValue(da, db, m);
                Assert.InRange(t, 0, Math.Min(bound, m));
                AssertEveryElementaryBoxBalanced(points.Take(1 << m).Select(p => (p[a], p[b])).ToList(), m, t);
            }
        }
    }

    [Fact]
    public void The_first_two_dimensions_form_a_zero_net()
    {
        var sobol = new SobolSequence(2, SobolScrambling.None);
        for (var m = 1; m <= 8; m++)
            AssertEveryElementaryBoxBalanced(sobol.Points(0, 1 << m).Select(p => (p[0], p[1])).ToList(), m, 0);
    }

    [Fact]
    public void Owen_scrambling_keeps_the_stratification_and_depends_on_the_seed()
    {
        var a = new SobolSequence(16, SobolScrambling.Owen, seed: 1);
        var b = new SobolSequence(16, SobolScrambling.Owen, seed: 2);
        var pa = a.Points(0, 256).ToList();
        var pb = b.Points(0, 256).ToList();
        for (var j = 0; j < 16; j++)
        {
            Assert.Equal(Enumerable.Range(0, 256), pa.Select(p => (int)Math.Floor(p[j] * 256)).OrderBy(c => c));
            Assert.All(pa, p => Assert.InRange(p[j], 0.0, 0.9999999999));
        }
        AssertEveryElementaryBoxBalanced(pa.Select(p => (p[0], p[1])).ToList(), 8, 0);
        Assert.NotEqual(pa[0], pb[0]);
        Assert.True(pa.Zip(pb).Count(x => x.First.SequenceEqual(x.Second)) == 0);
        Assert.Equal(pa, new SobolSequence(16, SobolScrambling.Owen, seed: 1).Points(0, 256).ToList());
    }

    [Fact]
    public void Digital_shift_keeps_the_net_and_depends_on_the_seed()
    {
        var a = new SobolSequence(2, SobolScrambling.DigitalShift, seed: 5).Points(0, 64).ToList();
        var b = new SobolSequence(2, SobolScrambling.DigitalShift, seed: 6).Points(0, 64).ToList();
        AssertEveryElementaryBoxBalanced(a.Select(p => (p[0], p[1])).ToList(), 6, 0);
        Assert.NotEqual(a[0], b[0]);
    }

    [Fact]
    public void Owen_scrambled_points_are_uniform_across_seeds()
    {
        // Point 0 of the plain sequence is the origin; scrambled, it must be uniform over seeds.
        var buckets = new int[10];
        for (var seed = 0; seed < 2000; seed++)
            buckets[(int)(new SobolSequence(1, SobolScrambling.Owen, seed).Point(0)[0] * 10)]++;
        Assert.All(buckets, c => Assert.InRange(c, 140, 260));
    }

    [Fact]
    public void Incremental_gray_code_points_equal_directly_computed_ones()
    {
        var sobol = new SobolSequence(20, SobolScrambling.Owen, seed: 9);
        var incremental = sobol.Points(37, 100).ToList();
        for (var i = 0; i < 100; i++) Assert.Equal(sobol.Point(37 + i), incremental[i]);
    }

    [Fact]
    public void Integration_error_is_far_below_random_sampling()
    {
        // The mean of prod_j (1 + (x_j - 0.5)) over the cube is 1; Sobol's error shrinks much faster than 1/sqrt(n).
        const int n = 1024, d = 5;
        static double F(double[] x) => x.Aggregate(1.0, (acc, v) => acc * (1 + (v - 0.5)));
        var sobolError = Math.Abs(new SobolSequence(d, SobolScrambling.Owen, 3).Points(0, n).Average(F) - 1);
        var random = new HyperTune.Core.Randomness.SeededRandom(3);
        var randomError = Enumerable.Range(0, 20)
            .Select(_ => Math.Abs(Enumerable.Range(0, n).Average(_ => F(Enumerable.Range(0, d).Select(_ => random.NextDouble()).ToArray())) - 1))
            .OrderBy(e => e).ElementAt(10);
        Assert.True(sobolError < randomError / 10, $"sobol {sobolError} vs random median {randomError}");
    }

    [Fact]
    public void Dimensions_and_indices_out_of_range_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SobolSequence(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SobolSequence(SobolDirectionNumbers.MaxDimension + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SobolSequence(2).Point(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SobolSequence(2).Point(SobolSequence.MaxPoints));
    }

    private static void AssertEveryElementaryBoxBalanced(IReadOnlyList<(double X, double Y)> points, int m, int t)
    {
        var q = m - t;
        for (var d1 = 0; d1 <= q; d1++)
        {
            var d2 = q - d1;
            var counts = new int[1 << d1, 1 << d2];
            foreach (var (x, y) in points) counts[(int)(x * (1 << d1)), (int)(y * (1 << d2))]++;
            foreach (var c in counts) Assert.Equal(1 << t, c);
        }
    }
}
