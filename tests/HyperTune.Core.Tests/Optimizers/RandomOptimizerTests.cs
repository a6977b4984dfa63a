using HyperTune.Core.Optimizers;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;
using HyperTune.Core.Tests.Spaces;

namespace HyperTune.Core.Tests.Optimizers;

public class RandomOptimizerTests
{
    [Fact]
    public void Suggestions_depend_on_seed_and_trial_number_only()
    {
        var space = SearchSpaceTests.ValidConditionalSpace();
        var a = OptimizerFactory.Create(OptimizerSpec.Of("random", 11), space, StudyDirection.Minimize);
        var b = OptimizerFactory.Create(OptimizerSpec.Of("random", 11), space, StudyDirection.Minimize);
        var history = TrialHistory.Empty(StudyDirection.Minimize);
        var fromA = Enumerable.Range(0, 10).Select(n => a.Suggest(history, n)!.Params).ToList();
        // Asking b in another order (as a recovered coordinator would) gives the same answers.
        var fromB = Enumerable.Range(0, 10).Reverse().Select(n => b.Suggest(history, n)!.Params).Reverse().ToList();
        Assert.Equal(fromA, fromB);
        Assert.Equal(10, fromA.Distinct().Count());
        Assert.All(fromA, c => Assert.Empty(space.Check(c)));
    }

    [Fact]
    public void Log_scaled_parameters_are_sampled_log_uniformly()
    {
        var space = new HyperTune.Core.Spaces.SearchSpace(new HyperTune.Core.Spaces.FloatParameter("lr", 1e-6, 1, Log: true));
        var opt = OptimizerFactory.Create(OptimizerSpec.Of("random", 1), space, StudyDirection.Minimize);
        var history = TrialHistory.Empty(StudyDirection.Minimize);
        var below1e3 = Enumerable.Range(0, 4000).Count(n => opt.Suggest(history, n)!.Params.GetDouble("lr") < 1e-3);
        // Log-uniform: half the mass below 1e-3; a linear sampler would put 0.1% there.
        Assert.InRange(below1e3, 1800, 2200);
    }
}
