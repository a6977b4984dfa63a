using HyperTune.Core.Randomness;
using HyperTune.Core.Schedulers.Population;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;

namespace HyperTune.Core.Tests.Schedulers.Population;

public class PbtExplorerTests
{
    private static readonly SearchSpace Space = new(
        new FloatParameter("lr", 1e-4, 1, Log: true),
        new FloatParameter("momentum", 0, 0.99),
        new IntParameter("depth", 1, 12),
        new IntParameter("width", 16, 256, IntStep: 16),
        new CategoricalParameter("opt", ["sgd", "adam", "rmsprop"]));

    private static readonly Configuration Start = Configuration.From(new Dictionary<string, object>
    {
        ["lr"] = 0.9, ["momentum"] = 0.95, ["depth"] = 2L, ["width"] = 240L, ["opt"] = "adam",
    });

    [Fact]
    public void Perturbed_configurations_stay_in_the_space_on_every_kind_of_parameter()
    {
        var explorer = new PbtExplorer(Space, 0.25, [0.8, 1.2]);
        for (var seed = 0; seed < 500; seed++)
        {
            var next = explorer.Explore(Start, new SeededRandom(seed));
            Assert.Empty(Space.Check(next));
        }
    }

    [Fact]
    public void Without_resampling_numbers_move_by_a_factor_and_categories_to_a_neighbour()
    {
        var explorer = new PbtExplorer(Space, 0, [0.8, 1.2]);
        var seen = new HashSet<string>();
        for (var seed = 0; seed < 200; seed++)
        {
            var next = explorer.Explore(Start, new SeededRandom(seed));
            var lr = next.GetDouble("lr");
            Assert.True(Math.Abs(lr - 0.72) < 1e-12 || Math.Abs(lr - 1.0) < 1e-12, $"lr {lr}");
            var momentum = next.GetDouble("momentum");
            Assert.True(Math.Abs(momentum - 0.76) < 1e-12 || Math.Abs(momentum - 0.99) < 1e-12, $"momentum {momentum}");
            // 2 × 1.2 rounds back to 2, so the integer moves one step: 1 or 3.
            Assert.Contains((long)next["depth"], new[] { 1L, 3L });
            // 240 × 0.8 = 192 (a multiple of 16 from 16), 240 × 1.2 is beyond 256.
            Assert.Contains((long)next["width"], new[] { 192L, 256L });
            seen.Add((string)next["opt"]);
        }
        Assert.Equal(new HashSet<string> { "sgd", "rmsprop" }, seen);
    }

    [Fact]
    public void A_parameter_with_its_own_values_moves_between_them()
    {
        var mutations = PbtExplorer.ReadMutations(JsonSettings.Parse("""{"lr": [0.001, 0.01, 0.1, 0.9]}""", "scheduler.mutations"), Space);
        var explorer = new PbtExplorer(Space, 0, [0.8, 1.2], mutations);
        var values = Enumerable.Range(0, 100).Select(s => explorer.Explore(Start, new SeededRandom(s)).GetDouble("lr")).ToHashSet();
        Assert.Equal(new HashSet<double> { 0.1, 0.9 }, values);
    }

    [Fact]
    public void A_branch_that_changes_gets_its_parameters_sampled()
    {
        var space = new SearchSpace(
            new CategoricalParameter("model", ["svm", "tree"]),
            new FloatParameter("c", 0.1, 10) { Condition = new ParameterCondition("model", ["svm"]) },
            new IntParameter("depth", 1, 10) { Condition = new ParameterCondition("model", ["tree"]) });
        var svm = Configuration.From(new Dictionary<string, object> { ["model"] = "svm", ["c"] = 1.0 });
        var explorer = new PbtExplorer(space, 0.5, [0.8, 1.2]);
        var branches = new HashSet<string>();
        for (var seed = 0; seed < 100; seed++)
        {
            var next = explorer.Explore(svm, new SeededRandom(seed));
            Assert.Empty(space.Check(next));
            branches.Add((string)next["model"]);
        }
        Assert.Equal(2, branches.Count);
    }
}
