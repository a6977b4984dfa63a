using System.Collections.Immutable;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Optimizers.CmaEs;
using HyperTune.Core.Specs;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Tests.Optimizers.Fidelity;

/// <summary>Optimizers without a model of stopped trials keep working when a scheduler pauses trials.</summary>
public class PausedTrialsInOtherOptimizersTests
{
    private static readonly SearchSpace GridSpace = new(new IntParameter("a", 1, 3), new IntParameter("b", 1, 2));

    /// <summary>
    /// Runs trials one at a time; every third trial pauses at step 3 (and is never resumed), the others complete.
    /// </summary>
    private static TrialHistory RunPausingEveryThird(IOptimizer optimizer, SearchSpace space, int trials)
    {
        var list = new List<TrialRecord>();
        for (var n = 0; n < trials; n++)
        {
            var answer = optimizer.Ask(new TrialHistory(list, StudyDirection.Minimize), n);
            if (answer.Suggestion is not { } s) break;
            var value = space.Parameters.Sum(p => Math.Pow(Convert.ToDouble(s.Params[p.Name]) - 0.3, 2));
            var paused = n % 3 == 0;
            list.Add(new TrialRecord(n, paused ? TrialState.Paused : TrialState.Complete, s.Params)
            {
                Attributes = s.Attributes,
                Intermediate = ImmutableList.Create(new IntermediateValue(3, value + 1)),
                Value = paused ? null : value,
            });
        }
        return new TrialHistory(list, StudyDirection.Minimize);
    }

    [Fact]
    public void Grid_never_suggests_a_paused_point_again_and_ends_when_every_point_was_tried()
    {
        var grid = OptimizerFactory.Create(OptimizerSpec.Of("grid", 3), GridSpace, StudyDirection.Minimize);
        var history = RunPausingEveryThird(grid, GridSpace, 10);
        Assert.Equal(6, history.Trials.Count);
        Assert.Equal(6, history.Trials.Select(t => t.Params).Distinct().Count());
        Assert.Equal(2, history.Paused.Count());
        Assert.Equal(OptimizerAnswerKind.Exhausted, grid.Ask(history, 6).Kind);
    }

    [Theory]
    [InlineData("random")]
    [InlineData("sobol")]
    public void Random_and_sobol_suggest_the_same_with_paused_trials_in_the_history(string type)
    {
        var space = new SearchSpace(new FloatParameter("x", 0, 1), new FloatParameter("y", 0, 1));
        var optimizer = OptimizerFactory.Create(OptimizerSpec.Of(type, 2), space, StudyDirection.Minimize);
        var history = RunPausingEveryThird(optimizer, space, 9);
        var completedOnly = new TrialHistory(history.Trials.Select(t => t.State == TrialState.Paused
            ? t with { State = TrialState.Complete, Value = 1 } : t).ToList(), StudyDirection.Minimize);
        var fresh = OptimizerFactory.Create(OptimizerSpec.Of(type, 2), space, StudyDirection.Minimize);
        Assert.Equal(fresh.Suggest(completedOnly, 9)!.Params, fresh.Suggest(history, 9)!.Params);
    }

    [Fact]
    public void CmaEs_generations_advance_past_paused_members()
    {
        var space = new SearchSpace(new FloatParameter("x", 0, 1), new FloatParameter("y", 0, 1));
        var cma = new CmaEsOptimizer(space, OptimizerSpec.Of("cmaes", 4));
        var history = RunPausingEveryThird(cma, space, 60);
        Assert.Equal(60, history.Trials.Count);
        // A paused member counts like a pruned one: its generation updates without it.
        Assert.True(cma.States(history).Count > 3, $"{cma.States(history).Count} states");
    }

    [Fact]
    public void Coarse_to_fine_keeps_suggesting_configurations_of_the_space()
    {
        var space = new SearchSpace(new FloatParameter("x", 0, 1), new FloatParameter("y", 0, 1));
        var optimizer = OptimizerFactory.Create(OptimizerSpec.Of("coarse-to-fine", 4), space, StudyDirection.Minimize);
        var history = RunPausingEveryThird(optimizer, space, 40);
        Assert.Equal(40, history.Trials.Count);
        Assert.All(history.Trials, t => Assert.Empty(space.Check(t.Params)));
    }
}
