using System.Collections.Immutable;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Tests.Studies;

public sealed class StepBudgetTests
{
    private static TrialRecord Trial(int number, TrialState state, long reached, long? stopAt = null) =>
        new(number, state, Configuration.From(new Dictionary<string, object> { ["x"] = 1.0 }))
        {
            Intermediate = Enumerable.Range(1, (int)reached).Select(s => new IntermediateValue(s, 1.0 / s))
                .ToImmutableList(),
            StopAtStep = stopAt,
        };

    private static TrialHistory History(params TrialRecord[] trials) => new(trials, StudyDirection.Minimize);

    [Fact]
    public void Spent_counts_each_trials_furthest_step_and_committed_adds_what_running_trials_may_still_take()
    {
        var history = History(
            Trial(0, TrialState.Complete, 27),
            Trial(1, TrialState.Pruned, 3),
            Trial(2, TrialState.Running, 4),           // may run to 27: 23 more
            Trial(3, TrialState.Running, 1, stopAt: 9), // stops at its rung, 9: 8 more
            Trial(4, TrialState.Waiting, 0),            // not started: a whole run
            Trial(5, TrialState.Paused, 3));            // holds no slot: only what it ran
        var budget = new StepBudget(200, 27);

        Assert.Equal(27 + 3 + 4 + 1 + 0 + 3, budget.Spent(history));
        Assert.Equal(27 + 3 + 27 + 9 + 27 + 3, budget.Committed(history));
    }

    [Fact]
    public void A_completed_trial_counts_a_whole_run_even_if_it_reported_fewer_steps()
    {
        var history = History(Trial(0, TrialState.Complete, 0), Trial(1, TrialState.Failed, 5));
        Assert.Equal(27 + 5, new StepBudget(100, 27).Spent(history));
    }

    [Fact]
    public void A_new_trial_starts_only_if_a_whole_run_fits_beside_what_is_committed()
    {
        // Committed: 27 (complete) + 27 (running from step 10) = 54.
        var history = History(Trial(0, TrialState.Complete, 27), Trial(1, TrialState.Running, 10));

        Assert.True(new StepBudget(81, 27).AdmitsNew(history));
        Assert.False(new StepBudget(80, 27).AdmitsNew(history));
        // A trial that will pause at a rung needs only the steps to that rung.
        Assert.True(new StepBudget(55, 27).AdmitsNew(history, stopAtStep: 1));
        Assert.False(new StepBudget(54, 27).AdmitsNew(history, stopAtStep: 1));
    }

    [Fact]
    public void A_resume_needs_only_the_steps_from_where_the_trial_paused_to_where_it_stops_next()
    {
        var history = History(Trial(0, TrialState.Paused, 3), Trial(1, TrialState.Paused, 3));
        var budget = new StepBudget(12, 27);

        Assert.True(budget.AdmitsResume(history, reached: 3, stopAtStep: 9));   // 6 + 6 = 12
        Assert.False(budget.AdmitsResume(history, reached: 3, stopAtStep: 10)); // 6 + 7 = 13
        Assert.False(budget.AdmitsResume(history, reached: 3, stopAtStep: null)); // to 27
        Assert.False(budget.IsSpent(history));
        Assert.True(new StepBudget(6, 27).IsSpent(history));
    }
}
