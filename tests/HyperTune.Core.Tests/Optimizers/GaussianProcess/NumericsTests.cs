using HyperTune.Core.Optimizers.GaussianProcess;
using HyperTune.Core.Randomness;
using MathNet.Numerics.LinearAlgebra;

namespace HyperTune.Core.Tests.Optimizers.GaussianProcess;

public class NumericsTests
{
    private static Matrix<double> RandomSpd(int n, long seed)
    {
        var r = new SeededRandom(seed);
        var a = Matrix<double>.Build.Dense(n, n, (_, _) => r.NextGaussian());
        return a * a.Transpose() + Matrix<double>.Build.DenseIdentity(n) * 0.5;
    }

    private static List<double[]> Lower(Matrix<double> a) =>
        Enumerable.Range(0, a.RowCount).Select(i => Enumerable.Range(0, i + 1).Select(j => a[i, j]).ToArray()).ToList();

    [Fact]
    public void Cholesky_factor_solves_and_inverse_agree_with_MathNet()
    {
        var a = RandomSpd(23, 1);
        var factor = CholeskyFactor.Factor(Lower(a))!;
        var reference = a.Cholesky();
        for (var i = 0; i < 23; i++)
            for (var j = 0; j <= i; j++)
                Assert.Equal(reference.Factor[i, j], factor.Row(i)[j], 1e-10);
        Assert.Equal(reference.DeterminantLn, factor.LogDeterminant(), 1e-9);

        var b = Enumerable.Range(0, 23).Select(i => Math.Sin(i)).ToArray();
        var x = (double[])b.Clone();
        factor.Solve(x);
        var expected = reference.Solve(Vector<double>.Build.DenseOfArray(b));
        for (var i = 0; i < 23; i++) Assert.Equal(expected[i], x[i], 1e-9);

        var inverse = factor.InverseLower();
        var expectedInverse = a.Inverse();
        for (var i = 0; i < 23; i++)
            for (var j = 0; j <= i; j++)
                Assert.Equal(expectedInverse[i, j], inverse[i][j], 1e-8);
    }

    [Fact]
    public void Dense_in_place_Cholesky_agrees_with_MathNet_and_with_the_row_factor_bit_for_bit()
    {
        const int n = 29;
        var a = RandomSpd(n, 4);
        var flat = new double[n * n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++)
                flat[i * n + j] = a[i, j];
        Assert.True(DenseCholesky.TryFactor(flat, n));
        var rows = CholeskyFactor.Factor(Lower(a))!;
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++)
                Assert.Equal(rows.Row(i)[j], flat[i * n + j]);
        var reference = a.Cholesky();
        Assert.Equal(reference.DeterminantLn, DenseCholesky.LogDeterminant(flat, n), 1e-9);

        var b = Enumerable.Range(0, n).Select(i => Math.Cos(i)).ToArray();
        DenseCholesky.Solve(flat, n, b);
        var expected = reference.Solve(Vector<double>.Build.DenseOfArray(Enumerable.Range(0, n).Select(i => Math.Cos(i)).ToArray()));
        for (var i = 0; i < n; i++) Assert.Equal(expected[i], b[i], 1e-9);

        var columns = new double[n * n];
        DenseCholesky.InverseColumns(flat, n, columns);
        var inverse = a.Inverse();
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++)
                Assert.Equal(inverse[i, j], DenseCholesky.InverseEntry(columns, n, i, j), 1e-8);

        var singular = new double[] { 1, 0, 2, 1 };
        Assert.False(DenseCholesky.TryFactor(singular, 2));
    }

    [Fact]
    public void The_fit_subset_keeps_the_best_quarter_and_spreads_the_rest_deterministically()
    {
        var r = new SeededRandom(3);
        var y = Enumerable.Range(0, 57).Select(_ => Math.Round(r.NextGaussian(), 1)).ToArray();
        Assert.Equal(Enumerable.Range(0, 57), HyperparameterFitSubset.Select(y, 57));
        Assert.Equal(Enumerable.Range(0, 57), HyperparameterFitSubset.Select(y, 100));

        var subset = HyperparameterFitSubset.Select(y, 20);
        Assert.Equal(20, subset.Length);
        Assert.Equal(subset.OrderBy(i => i), subset);
        Assert.Equal(subset, HyperparameterFitSubset.Select(y.ToArray(), 20));
        // The five lowest outputs (ties to the earlier trial) are all in.
        var best = Enumerable.Range(0, 57).OrderBy(i => y[i]).ThenBy(i => i).Take(5).ToArray();
        Assert.All(best, i => Assert.Contains(i, subset));
        // The others are spread over the whole history: the first and the last of them are in.
        var rest = Enumerable.Range(0, 57).Except(best).ToArray();
        Assert.Contains(rest[0], subset);
        Assert.Contains(rest[^1], subset);
        // Outputs that are not the best do not change which of them are picked, only their order matters.
        var shifted = y.Select((v, i) => rest.Contains(i) ? v + 1000 + i : v).ToArray();
        Assert.Equal(subset, HyperparameterFitSubset.Select(shifted, 20));
    }

    [Fact]
    public void Appending_rows_gives_exactly_the_factor_of_the_larger_matrix()
    {
        var a = RandomSpd(17, 2);
        var rows = Lower(a);
        var whole = CholeskyFactor.Factor(rows)!;
        var grown = CholeskyFactor.Factor(rows.Take(10).ToList())!;
        foreach (var row in rows.Skip(10)) Assert.True(grown.TryAppend(row));
        for (var i = 0; i < 17; i++) Assert.True(whole.Row(i).SequenceEqual(grown.Row(i)));
    }

    [Fact]
    public void A_matrix_that_is_not_positive_definite_is_refused()
    {
        var rows = new List<double[]> { new[] { 1.0 }, new[] { 2.0, 1.0 } };
        Assert.Null(CholeskyFactor.Factor(rows));
    }

    [Fact]
    public void Bounded_lbfgs_finds_a_minimum_on_the_boundary_and_one_inside()
    {
        // (x - 2)² + 10 (y - 0.3)² on [0, 1]²: the minimum is at x = 1 (a bound), y = 0.3 (inside).
        var result = BoundedLbfgs.Minimize((x, g) =>
        {
            g[0] = 2 * (x[0] - 2);
            g[1] = 20 * (x[1] - 0.3);
            return (x[0] - 2) * (x[0] - 2) + 10 * (x[1] - 0.3) * (x[1] - 0.3);
        }, new[] { 0.1, 0.9 }, new[] { 0.0, 0.0 }, new[] { 1.0, 1.0 }, 100);
        Assert.Equal(1.0, result.X[0], 1e-9);
        Assert.Equal(0.3, result.X[1], 1e-6);
    }

    [Fact]
    public void Bounded_lbfgs_solves_the_rosenbrock_valley()
    {
        var result = BoundedLbfgs.Minimize((x, g) =>
        {
            var a = 1 - x[0];
            var b = x[1] - x[0] * x[0];
            g[0] = -2 * a - 400 * x[0] * b;
            g[1] = 200 * b;
            return a * a + 100 * b * b;
        }, new[] { -1.2, 1.0 }, new[] { -2.0, -2.0 }, new[] { 2.0, 2.0 }, 500, gradientTolerance: 1e-10, relativeTolerance: 0);
        Assert.Equal(1.0, result.X[0], 1e-4);
        Assert.Equal(1.0, result.X[1], 1e-4);
    }

    [Fact]
    public void Output_transforms_are_monotone_and_standardized()
    {
        var losses = new[] { 0.4, 3.0, 12.0, 250.0, 1.0, 7e5, 33.0, 2.0 };
        foreach (var kind in new[] { OutputTransformKind.Standardize, OutputTransformKind.Power })
        {
            var y = OutputTransform.Apply(kind, losses);
            Assert.Equal(0, y.Average(), 1e-9);
            Assert.Equal(1, Math.Sqrt(y.Select(v => v * v).Average()), 1e-9);
            var byLoss = Enumerable.Range(0, losses.Length).OrderBy(i => losses[i]).Select(i => y[i]).ToArray();
            Assert.Equal(byLoss.OrderBy(v => v), byLoss);
        }
        // The heavy tail is compressed: the bulk (everything but 7e5) is no longer squeezed into one value.
        static double BulkSpread(double[] y) => y.Where((_, i) => i != 5).Max() - y.Where((_, i) => i != 5).Min();
        Assert.True(BulkSpread(OutputTransform.Apply(OutputTransformKind.Standardize, losses)) < 0.01);
        Assert.True(BulkSpread(OutputTransform.Apply(OutputTransformKind.Power, losses)) > 1);
        Assert.All(OutputTransform.Apply(OutputTransformKind.Power, new[] { 3.0, 3.0 }), v => Assert.Equal(0, v));
    }

    [Fact]
    public void Refits_happen_every_time_at_first_then_at_geometric_checkpoints()
    {
        var schedule = new RefitSchedule(RefitAlwaysUpTo: 40, Growth: 0.1);
        Assert.Equal(17, schedule.Checkpoint(17));
        Assert.Equal(40, schedule.Checkpoint(40));
        Assert.Equal(40, schedule.Checkpoint(43));
        Assert.Equal(44, schedule.Checkpoint(44));
        var checkpoints = Enumerable.Range(1, 300).Select(schedule.Checkpoint).Distinct().Count();
        Assert.InRange(checkpoints, 40, 60);
        Assert.All(Enumerable.Range(1, 300), m => Assert.InRange(schedule.Checkpoint(m), m / 1.1 - 1, m));
    }

    [Fact]
    public void Escapes_start_after_a_stall_on_every_second_trial_and_avoid_the_incumbents_neighbourhood()
    {
        var escape = new BasinEscape(After: 3, Radius: 2, MinImprovement: 0.01);
        var improving = new[] { 1.0, 0.5, 0.2, 0.1, 0.0 };
        var stalled = new[] { 1.0, 0.5, 0.2, 0.195, 0.3, 0.199 };
        Assert.False(escape.Applies(improving, 10));
        Assert.True(escape.Applies(stalled, 10));
        Assert.False(escape.Applies(stalled, 11));
        Assert.False(new BasinEscape(0, 2, 0.01).Applies(stalled, 10));
        var inside = escape.Neighbourhood(new[] { 0.5, 0.5 }, new[] { 10.0, 1.0 });
        Assert.True(inside(new[] { 0.6, 0.5 }));   // one length scale away along the short dimension
        Assert.False(inside(new[] { 0.75, 0.5 })); // two and a half
        Assert.True(inside(new[] { 0.5, 0.0 }));   // half a length scale along the long one
    }
}
