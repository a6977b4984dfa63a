using HyperTune.Core.Optimizers.Designs;
using HyperTune.Core.Spaces;
using HyperTune.Core.Tests.Spaces;

namespace HyperTune.Core.Tests.Optimizers.Designs;

public class StratifiedDesignTests
{
    [Fact]
    public void Without_conditions_it_gives_the_random_designs_points()
    {
        var space = new SearchSpace(new FloatParameter("x", 0, 1), new IntParameter("n", 1, 9),
            new CategoricalParameter("c", new object[] { "a", "b", "c" }));
        for (var n = 0; n < 20; n++)
            Assert.Equal(InitialDesign.Point("random", space, 4, n), InitialDesign.Point("stratified", space, 4, n));
    }

    [Fact]
    public void Each_round_of_a_branch_parameters_choices_takes_every_choice_once()
    {
        var space = SearchSpaceTests.ValidConditionalSpace();
        for (var seed = 0; seed < 5; seed++)
        {
            var points = Enumerable.Range(0, 8).Select(n => InitialDesign.Point("stratified", space, seed, n)).ToList();
            foreach (var round in points.Chunk(2))
                Assert.Equal(new[] { "adam", "sgd" }, round.Select(p => (string)p["optimizer"]).Order());
            Assert.All(points, p => Assert.Empty(space.Check(p)));
        }
    }
}
