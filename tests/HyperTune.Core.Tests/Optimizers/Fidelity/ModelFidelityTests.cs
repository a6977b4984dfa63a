using System.Text.Json;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Optimizers.Fidelity;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Tests.Optimizers.Fidelity;

/// <summary>GP and RF fit the trials at the budget level, by their values there.</summary>
public class ModelFidelityTests
{
    private static IOptimizer Create(string type, string multiFidelity, string extra) =>
        OptimizerFactory.Create(new OptimizerSpec(type, 5, JsonDocument.Parse(
                $$"""{"type":"{{type}}","multiFidelity":"{{multiFidelity}}"{{extra}}}""").RootElement.Clone()),
            FidelityHistories.Space, StudyDirection.Minimize);

    /// <summary>
    /// The history as the model should see it under the level: the trials at the level completed with their value
    /// there, every other trial cancelled (no observation, but still a configuration already tried; a failed trial
    /// would be one: the models learn where trials fail).
    /// </summary>
    private static TrialHistory AsModelSees(TrialHistory history, BudgetLevel level)
    {
        var atLevel = level.AtLevel.ToDictionary(o => o.Trial.Number);
        return new TrialHistory(history.Trials.Select(t => atLevel.TryGetValue(t.Number, out var o)
            ? o.AsCompleted()
            : t with { State = TrialState.Cancelled, Value = null }).ToList(), history.Direction);
    }

    /// <summary>
    /// The history as the model should see it in the auto mode: as <see cref="AsModelSees"/>, but the trials that
    /// stopped below the level completed with the worst value at the level.
    /// </summary>
    private static TrialHistory AsModelSeesWithStoppedAsWorst(TrialHistory history, BudgetLevel level)
    {
        var modelled = level.ModelTrials(stoppedAsWorst: true).ToDictionary(t => t.Number);
        return new TrialHistory(history.Trials.Select(t => modelled.TryGetValue(t.Number, out var m)
            ? m
            : t with { State = TrialState.Cancelled, Value = null }).ToList(), history.Direction);
    }

    [Theory]
    [InlineData("gp", ""","nStartupTrials":4""", 4)]
    [InlineData("rf", ""","initialTrials":4""", 4)]
    [InlineData("gp", ""","nStartupTrials":4,"fidelityMinTrials":6""", 6)]
    public void The_model_gets_the_trials_at_the_level_by_their_values_there(string type, string extra, int min)
    {
        var notRunning = FidelityHistories.Rungs().Trials.Where(t => t.State != TrialState.Running).ToList();
        var history = new TrialHistory(notRunning, StudyDirection.Minimize);
        var level = BudgetLevel.Of(history, min)!;
        Assert.Equal(min == 4 ? 9 : 3, level.Step);
        var multiFidelity = Create(type, "level", extra).Suggest(history, 11)!.Params;
        var expected = Create(type, "off", extra).Suggest(AsModelSees(history, level), 11)!.Params;
        Assert.Equal(expected, multiFidelity);
        // And it is not what the model of the completed trials alone suggests.
        Assert.NotEqual(Create(type, "off", extra).Suggest(history, 11)!.Params, multiFidelity);
    }

    [Theory]
    [InlineData("gp", ""","nStartupTrials":4""")]
    [InlineData("rf", ""","initialTrials":4""")]
    public void In_the_auto_mode_trials_stopped_below_the_level_count_as_the_worst_there(string type, string extra)
    {
        var notRunning = FidelityHistories.Rungs().Trials.Where(t => t.State != TrialState.Running).ToList();
        var history = new TrialHistory(notRunning, StudyDirection.Minimize);
        var level = BudgetLevel.Of(history, 4)!;
        var auto = Create(type, "auto", extra).Suggest(history, 11)!.Params;
        var expected = Create(type, "off", extra).Suggest(AsModelSeesWithStoppedAsWorst(history, level), 11)!.Params;
        Assert.Equal(expected, auto);
        // And it is not the BOHB model of the trials at the level alone.
        Assert.NotEqual(Create(type, "level", extra).Suggest(history, 11)!.Params, auto);
    }

    [Theory]
    [InlineData("gp", ""","nStartupTrials":4""")]
    [InlineData("rf", ""","initialTrials":4""")]
    public void A_resumed_trial_is_observed_at_the_level_and_not_also_pending(string type, string extra)
    {
        // Trial 4 (the best at step 9) resumed to run to 27.
        var trials = FidelityHistories.Rungs().Trials.Where(t => t.State != TrialState.Running).ToList();
        trials[4] = trials[4] with { State = TrialState.Running, Value = null, StopAtStep = 27 };
        var history = new TrialHistory(trials, StudyDirection.Minimize);
        var level = BudgetLevel.Of(history, 4)!;
        Assert.Contains(level.AtLevel, o => o.Trial.Number == 4);
        var expected = Create(type, "off", extra).Suggest(AsModelSeesWithStoppedAsWorst(history, level), 11)!.Params;
        Assert.Equal(expected, Create(type, "auto", extra).Suggest(history, 11)!.Params);
        Assert.Equal(Create(type, "off", extra).Suggest(AsModelSees(history, level), 11)!.Params,
            Create(type, "level", extra).Suggest(history, 11)!.Params);
    }
}
