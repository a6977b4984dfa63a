using HyperTune.Core.Optimizers.GaussianProcess;
using HyperTune.Core.Randomness;
using HyperTune.Core.Spaces;
using HyperTune.Core.Tests.Spaces;

namespace HyperTune.Core.Tests.Optimizers.GaussianProcess;

public class EncodedSearchSpaceTests
{
    [Fact]
    public void Rounding_lands_on_the_encoding_of_the_configuration_it_decodes_to()
    {
        var space = new EncodedSearchSpace(SearchSpaceTests.ValidConditionalSpace());
        var random = new SeededRandom(4);
        for (var i = 0; i < 300; i++)
        {
            var x = Enumerable.Range(0, space.Dimension).Select(_ => random.NextDouble()).ToArray();
            space.Round(x);
            var config = space.Decode(x);
            Assert.Empty(space.Space.Check(config));
            var again = space.Encode(config);
            for (var j = 0; j < x.Length; j++) Assert.Equal(again[j], x[j], 1e-12);
        }
    }

    [Fact]
    public void Inactive_parameters_are_imputed_and_only_active_floats_are_movable()
    {
        var space = new EncodedSearchSpace(SearchSpaceTests.ValidConditionalSpace());
        var adam = Configuration.From(new Dictionary<string, object>
        {
            ["optimizer"] = "adam", ["lr"] = 0.01, ["layers"] = 3L, ["units"] = 64L, ["batch"] = 64L, ["dropout"] = 0.2,
        });
        var x = space.Encode(adam);
        Assert.DoesNotContain(x, double.IsNaN);
        var movable = new bool[x.Length];
        space.Round(x, movable);
        Assert.Equal(0.01, space.Decode(x).GetDouble("lr"), 1e-12);
        Assert.Equal(adam.Without("lr"), space.Decode(x).Without("lr"));
        // lr is the only unstepped float active under adam (momentum is inactive, dropout is stepped).
        Assert.Equal(1, movable.Count(m => m));
    }

    [Fact]
    public void Discrete_neighbours_move_one_step_or_switch_one_choice()
    {
        var space = new EncodedSearchSpace(new SearchSpace(
            new IntParameter("depth", 1, 12),
            new CategoricalParameter("opt", new object[] { "sgd", "adam", "rmsprop" }),
            new FloatParameter("lr", 1e-5, 1e-1, Log: true)));
        var x = space.Encode(Configuration.From(new Dictionary<string, object> { ["depth"] = 12L, ["opt"] = "adam", ["lr"] = 0.001 }));
        var neighbours = space.DiscreteNeighbours(x).Select(space.Decode).ToList();
        Assert.Equal(3, neighbours.Count); // depth 11 (12 is the top), opt sgd, opt rmsprop
        Assert.Contains(neighbours, c => (long)c["depth"] == 11 && (string)c["opt"] == "adam");
        Assert.Contains(neighbours, c => (long)c["depth"] == 12 && (string)c["opt"] == "sgd");
        Assert.All(neighbours, c => Assert.Equal(0.001, c.GetDouble("lr"), 1e-12));
    }
}
