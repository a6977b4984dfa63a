using HyperTune.Core.Optimizers;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Schedulers.Halving;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;
using static HyperTune.Core.Tests.Schedulers.SchedulerSimulation;

namespace HyperTune.Core.Tests.Schedulers;

public class HyperbandTests
{
    private const StudyDirection Min = StudyDirection.Minimize;
    private const StudyDirection Max = StudyDirection.Maximize;

    [Fact]
    public void Bracket_sizes_follow_the_paper()
    {
        // min 1, max 27, η 3: s_max = 3; bracket b is s = 3 - b with ceil(4 × 3^s / (s + 1)) trials.
        var brackets = new HyperbandBrackets(new ResourceLadder(1, 27, 3));
        Assert.Equal(4, brackets.Count);
        Assert.Equal([27, 12, 6, 4], Enumerable.Range(0, 4).Select(brackets.Size));
        Assert.Equal(49, brackets.CycleLength);
        // min 1, max 9, η 3: brackets of 9, 5 and 3.
        var small = new HyperbandBrackets(new ResourceLadder(1, 9, 3));
        Assert.Equal([9, 5, 3], Enumerable.Range(0, 3).Select(small.Size));
    }

    [Fact]
    public void Trials_are_spread_over_brackets_in_proportion_and_interleaved()
    {
        var brackets = new HyperbandBrackets(new ResourceLadder(1, 27, 3));
        // Smooth weighted round-robin with weights 27, 12, 6, 4, worked by hand for the first six trials.
        Assert.Equal([0, 1, 0, 2, 0, 3], Enumerable.Range(0, 6).Select(brackets.BracketOf));
        var cycle = Enumerable.Range(0, 49).Select(brackets.BracketOf).ToList();
        Assert.Equal([27, 12, 6, 4], Enumerable.Range(0, 4).Select(b => cycle.Count(x => x == b)));
        Assert.All(Enumerable.Range(0, 49), n => Assert.Equal(brackets.BracketOf(n), brackets.BracketOf(n + 49)));
    }

    [Fact]
    public void Asynchronous_hyperband_judges_a_trial_within_its_bracket_only()
    {
        var ladder = new ResourceLadder(1, 27, 3);
        var hyperband = new AshaScheduler(ladder, brackets: new HyperbandBrackets(ladder));
        var start = hyperband.OnSlotFree(new SchedulerContext(TrialHistory.Empty(Min), true, 10));
        Assert.Equal("0", start.Attributes[BracketAttribute.Name]);

        var inBracket = (TrialRecord t, int b) => t with { Attributes = BracketAttribute.For(b) };
        var strongInZero = inBracket(Running(0, 0.1, 0.1, 0.1), 0);
        var leaderInOne = inBracket(Running(1, 5, 5, 5), 1);
        // Bracket 1's rungs are at 3 and 9: at step 3 a trial worse than bracket 1's leader is pruned, whatever
        // bracket 0 holds, and at step 1 nothing is judged.
        var h1 = new TrialHistory([strongInZero, leaderInOne, inBracket(Running(2, 9), 1)], Min);
        Assert.Equal(ReportAction.Continue, hyperband.OnReport(h1, 2).Action);
        var h3 = new TrialHistory([strongInZero, leaderInOne, inBracket(Running(2, 9, 9, 6), 1)], Min);
        Assert.Equal(ReportAction.Prune, hyperband.OnReport(h3, 2).Action);
        var better = new TrialHistory([strongInZero, leaderInOne, inBracket(Running(2, 9, 9, 4), 1)], Min);
        Assert.Equal(ReportAction.Continue, hyperband.OnReport(better, 2).Action);
        // The same 4 at step 3 in bracket 0 loses to the 0.1 there.
        var inZero = new TrialHistory([strongInZero, leaderInOne, inBracket(Running(2, 0.2, 9, 4), 0)], Min);
        Assert.Equal(ReportAction.Prune, hyperband.OnReport(inZero, 2).Action);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Synchronous_hyperband_runs_each_bracket_as_successive_halving(int parallelism)
    {
        // min 1, max 9, η 3: bracket runs of 9 trials (rungs 1, 3), 5 trials (rung 3) and 3 trials (no rung).
        var ladder = new ResourceLadder(1, 9, 3);
        var scheduler = new SynchronousHalvingScheduler(ladder, brackets: new HyperbandBrackets(ladder));
        var space = new SearchSpace(new FloatParameter("a", 0, 1), new FloatParameter("b", 0, 1));
        var random = OptimizerFactory.Create(OptimizerSpec.Of("random", 7), space, Min);
        var sim = new SchedulerSimulation(random, scheduler,
            (c, s) => c.GetDouble("a") + c.GetDouble("b") / s, steps: 9, maxTrials: 17, parallelism);
        var history = sim.Run();

        var runs = history.Trials.GroupBy(t => BracketAttribute.Of(t)!.Value).OrderBy(g => g.Key).ToList();
        Assert.Equal([9, 5, 3], runs.Select(g => g.Count()));
        // Survivors trained to the end: 9 → 3 → 1; 5 → 2; 3.
        Assert.Equal([1, 2, 3], runs.Select(g => g.Count(t => t.State == TrialState.Complete)));
        // The third bracket's trials never paused.
        Assert.All(runs[2], t => Assert.DoesNotContain(sim.Resumes, r => r.Number == t.Number));
        // Steps: 9×1 + 3×2 + 1×6 in the first, 5×3 + 2×6 in the second, 3×9 in the third.
        Assert.Equal(9 + 6 + 6 + 15 + 12 + 27, sim.StepsSpent);
    }

    [Fact]
    public void Hyperband_rungs_are_listed_per_bracket()
    {
        var ladder = new ResourceLadder(1, 9, 3);
        var hyperband = new AshaScheduler(ladder, brackets: new HyperbandBrackets(ladder));
        var rungs = hyperband.Rungs(TrialHistory.Empty(Min));
        // Bracket 0: steps 1, 3; bracket 1: step 3; bracket 2: none; each ends with the final rung at step 9.
        Assert.Equal([(0, 0, 1L), (0, 1, 3L), (0, 2, 9L), (1, 0, 3L), (1, 1, 9L), (2, 0, 9L)],
            rungs.Select(r => (r.Bracket, r.Rung, r.Step)));
    }
}
