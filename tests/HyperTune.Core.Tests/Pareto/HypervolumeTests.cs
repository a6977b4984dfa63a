using HyperTune.Core.Pareto;
using Xunit;

namespace HyperTune.Core.Tests.Pareto;

public class HypervolumeTests
{
    [Fact]
    public void Two_objectives_sum_the_staircase_of_rectangles()
    {
        var points = new[] { new[] { 1.0, 3.0 }, new[] { 2.0, 2.0 }, new[] { 3.0, 1.0 } };
        // Reference (4, 4): 3 x 1 + 2 x 1 + 1 x 1 = 6.
        Assert.Equal(6.0, Hypervolume.Compute(points, new[] { 4.0, 4.0 }), 12);
        // A dominated point and one beyond the reference add nothing.
        var more = points.Append(new[] { 3.0, 3.0 }).Append(new[] { 0.5, 5.0 });
        Assert.Equal(6.0, Hypervolume.Compute(more, new[] { 4.0, 4.0 }), 12);
    }

    [Fact]
    public void Three_objectives_match_inclusion_exclusion_by_hand()
    {
        // Reference (2, 2, 2): a = (1, 1, 0) dominates [1,2]x[1,2]x[0,2], volume 2; b = (0, 1, 1) dominates
        // [0,2]x[1,2]x[1,2], volume 2; they share [1,2]x[1,2]x[1,2], volume 1, so the union is 3.
        var points = new[] { new[] { 1.0, 1.0, 0.0 }, new[] { 0.0, 1.0, 1.0 } };
        Assert.Equal(3.0, Hypervolume.Compute(points, new[] { 2.0, 2.0, 2.0 }), 12);
        // One point alone is its box.
        Assert.Equal(0.5 * 0.25 * 1.0, Hypervolume.Compute(new[] { new[] { 0.5, 0.75, 0.0 } }, new[] { 1.0, 1.0, 1.0 }), 12);
    }

    [Fact]
    public void Three_objectives_agree_with_a_monte_carlo_estimate()
    {
        var random = new Randomness.SeededRandom(7);
        var points = Enumerable.Range(0, 12).Select(_ => new[] { random.NextDouble(), random.NextDouble(), random.NextDouble() }).ToList();
        var exact = Hypervolume.Compute(points, new[] { 1.0, 1.0, 1.0 });
        var inside = 0;
        const int samples = 200_000;
        for (var s = 0; s < samples; s++)
        {
            var q = new[] { random.NextDouble(), random.NextDouble(), random.NextDouble() };
            if (points.Any(p => p[0] <= q[0] && p[1] <= q[1] && p[2] <= q[2])) inside++;
        }
        Assert.InRange(exact, (double)inside / samples - 0.005, (double)inside / samples + 0.005);
    }

    [Fact]
    public void Contributions_are_what_each_point_alone_adds()
    {
        var points = new List<double[]> { new[] { 1.0, 3.0 }, new[] { 2.0, 2.0 }, new[] { 3.0, 1.0 }, new[] { 3.0, 3.0 } };
        var c = Hypervolume.Contributions(points, new[] { 4.0, 4.0 });
        Assert.Equal(new[] { 1.0, 1.0, 1.0, 0.0 }, c.Select(v => Math.Round(v, 12)));
    }

    [Fact]
    public void Greedy_selection_takes_the_largest_contribution_first()
    {
        // With reference (4, 4), (2, 2) alone dominates 4, more than either extreme (3 each).
        var points = new List<double[]> { new[] { 1.0, 3.0 }, new[] { 2.0, 2.0 }, new[] { 3.0, 1.0 } };
        var order = HypervolumeSelection.GreedyOrder(points, new[] { 4.0, 4.0 }, 3);
        Assert.Equal(1, order[0]);
        Assert.Equal(3, order.Length);
    }
}
