using HyperTune.Core.Pareto;
using Xunit;

namespace HyperTune.Core.Tests.Pareto;

public class ParetoRankingTests
{
    // Hand-drawn 2-objective set: fronts {0, 1, 2}, {3, 4}, {5}; 6 duplicates point 1.
    private static readonly List<double[]> Points = new()
    {
        new[] { 1.0, 5.0 }, new[] { 2.0, 3.0 }, new[] { 4.0, 1.0 },
        new[] { 3.0, 4.0 }, new[] { 5.0, 2.0 },
        new[] { 6.0, 6.0 },
        new[] { 2.0, 3.0 },
    };

    [Fact]
    public void Domination_needs_no_worse_everywhere_and_better_somewhere()
    {
        Assert.True(ParetoRanking.Dominates(new[] { 1.0, 2.0 }, new[] { 1.0, 3.0 }));
        Assert.False(ParetoRanking.Dominates(new[] { 1.0, 2.0 }, new[] { 1.0, 2.0 }));
        Assert.False(ParetoRanking.Dominates(new[] { 1.0, 4.0 }, new[] { 2.0, 3.0 }));
    }

    [Fact]
    public void Constrained_domination_puts_feasibility_first_then_smaller_violation()
    {
        var good = new[] { 1.0, 1.0 };
        var bad = new[] { 5.0, 5.0 };
        Assert.True(ParetoRanking.Dominates(bad, 0, good, 0.1));
        Assert.False(ParetoRanking.Dominates(good, 0.1, bad, 0));
        Assert.True(ParetoRanking.Dominates(bad, 0.5, good, 2));
        Assert.False(ParetoRanking.Dominates(good, 2, bad, 0.5));
        Assert.False(ParetoRanking.Dominates(good, 1, bad, 1));
        Assert.True(ParetoRanking.Dominates(good, 0, bad, 0));
    }

    [Fact]
    public void Non_dominated_sorting_finds_the_hand_computed_fronts()
    {
        var fronts = ParetoRanking.Sort(Points);
        Assert.Equal(new[] { 0, 1, 2, 6 }, fronts[0]);
        Assert.Equal(new[] { 3, 4 }, fronts[1]);
        Assert.Equal(new[] { 5 }, fronts[2]);
        Assert.Equal(3, fronts.Count);
        Assert.Equal(new[] { 0, 1, 2, 6 }, ParetoRanking.FirstFront(Points));
    }

    [Fact]
    public void Violations_rank_feasible_points_above_any_infeasible_one()
    {
        // Point 5 is the worst by losses but the only feasible one; 0 and 2 break the constraints least.
        var violations = new double[] { 1, 3, 1, 2, 4, 0, 3 };
        var fronts = ParetoRanking.Sort(Points, violations);
        Assert.Equal(new[] { 5 }, fronts[0]);
        Assert.Equal(new[] { 0, 2 }, fronts[1]);
        Assert.Equal(new[] { 5 }, ParetoRanking.FirstFront(Points, violations));
    }

    [Fact]
    public void Crowding_distance_gives_extremes_infinity_and_inner_points_the_normalized_gaps()
    {
        var front = new[] { 0, 1, 2 };
        var d = ParetoRanking.CrowdingDistance(Points, front);
        Assert.Equal(double.PositiveInfinity, d[0]);
        Assert.Equal(double.PositiveInfinity, d[2]);
        // Point 1's neighbours span (4 - 1) / (4 - 1) in the first objective and (5 - 1) / (5 - 1) in the second.
        Assert.Equal(2.0, d[1], 12);
        var four = new List<double[]> { new[] { 0.0, 4.0 }, new[] { 1.0, 2.0 }, new[] { 3.0, 1.0 }, new[] { 4.0, 0.0 } };
        var d4 = ParetoRanking.CrowdingDistance(four, new[] { 0, 1, 2, 3 });
        Assert.Equal((3 - 0) / 4.0 + (4 - 1) / 4.0, d4[1], 12);
        Assert.Equal((4 - 1) / 4.0 + (2 - 0) / 4.0, d4[2], 12);
    }
}
