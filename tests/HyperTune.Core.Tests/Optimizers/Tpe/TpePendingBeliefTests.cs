using System.Text.Json;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Optimizers.Tpe;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Tests.Optimizers.Tpe;

/// <summary>TPE's kriging believer for pending trials (<c>pendingBelief</c>).</summary>
public class TpePendingBeliefTests
{
    private static OptimizerSpec Spec(string json, long seed = 1) => new("tpe", seed, JsonDocument.Parse(json).RootElement.Clone());

    private static TpeOptimizer Tpe(string json = """{"type":"tpe"}""", long seed = 1) => new(QuadraticSpace(), Spec(json, seed));

    private static SearchSpace QuadraticSpace() =>
        new(Enumerable.Range(0, 4).Select(i => (Parameter)new FloatParameter($"x{i}", -1, 1)));

    private static readonly double[] Optimum = { 0.2, 0.3, 0.4, 0.5 };

    private static double Quadratic(Configuration c) => Enumerable.Range(0, 4).Sum(i => Math.Pow(c.GetDouble($"x{i}") - Optimum[i], 2));

    private static Configuration Point(params double[] x) =>
        Configuration.From(x.Select((v, i) => new KeyValuePair<string, object>($"x{i}", v)));

    /// <summary>A finished sequential study, then <paramref name="pending"/> workers asking in turn, each suggestion left running.</summary>
    private static List<TrialRecord> AskInTurn(TpeOptimizer tpe, int completed, int pending)
    {
        var trials = OptimizationLoop.Run(tpe, Quadratic, completed).Trials.ToList();
        for (var w = 0; w < pending; w++)
            trials.Add(new TrialRecord(completed + w, TrialState.Running, tpe.Suggest(new TrialHistory(trials, StudyDirection.Minimize), completed + w)!.Params));
        return trials;
    }

    [Fact]
    public void Sequential_suggestions_do_not_depend_on_the_belief()
    {
        var history = OptimizationLoop.Run(Tpe(), Quadratic, 40);
        Assert.Equal(Tpe("""{"type":"tpe","pendingBelief":"none"}""").Suggest(history, 40)!.Params, Tpe().Suggest(history, 40)!.Params);
    }

    [Fact]
    public void With_pending_trials_the_belief_changes_the_suggestion_and_stays_deterministic()
    {
        var trials = AskInTurn(Tpe(), 40, 7);
        var history = new TrialHistory(trials, StudyDirection.Minimize);
        var believed = Tpe().Suggest(history, trials.Count)!.Params;
        Assert.NotEqual(Tpe("""{"type":"tpe","pendingBelief":"none"}""").Suggest(history, trials.Count)!.Params, believed);
        Assert.NotEqual(Tpe("""{"type":"tpe","pendingBeliefMaxTrials":39}""").Suggest(history, trials.Count)!.Params, believed);
        Assert.Equal(believed, Tpe().Suggest(history, trials.Count)!.Params);
    }

    [Fact]
    public void A_long_running_optimizer_whose_believed_copies_took_later_trial_numbers_agrees_with_a_fresh_one()
    {
        // The running optimizer saw histories with believed copies numbered 47..53; those numbers then belong to
        // real trials with other configurations. Its cached encodings must not leak into the next suggestion.
        var running = Tpe();
        var trials = AskInTurn(running, 40, 7);
        for (var n = 47; n < 60; n++)
        {
            var s = running.Suggest(new TrialHistory(trials, StudyDirection.Minimize), n)!;
            trials.Add(new TrialRecord(n, TrialState.Running, s.Params));
            var oldest = trials.First(t => t.State == TrialState.Running);
            trials[trials.IndexOf(oldest)] = oldest with { State = TrialState.Complete, Value = Quadratic(oldest.Params) };
        }
        var history = new TrialHistory(trials, StudyDirection.Minimize);
        Assert.Equal(Tpe().Suggest(history, 60)!.Params, running.Suggest(history, 60)!.Params);
    }

    [Fact]
    public void A_belief_is_a_completed_copy_never_better_than_the_best_and_worse_far_from_the_optimum()
    {
        var trials = OptimizationLoop.Run(Tpe(), Quadratic, 40).Trials.ToList();
        var best = trials.Min(t => t.Value!.Value);
        trials.Add(new TrialRecord(40, TrialState.Running, Point(Optimum)));
        trials.Add(new TrialRecord(41, TrialState.Waiting, Point(-1, -1, -1, -1)));
        var history = new TrialHistory(trials, StudyDirection.Minimize);

        var believed = new PendingBelief(QuadraticSpace(), 1).WithBeliefs(history);

        Assert.Equal(44, believed.Trials.Count);
        Assert.Equal(history.Trials, believed.Trials.Take(42));
        var (atOptimum, farAway) = (believed.Trials[42], believed.Trials[43]);
        Assert.Equal((42, TrialState.Complete), (atOptimum.Number, atOptimum.State));
        Assert.Same(trials[40].Params, atOptimum.Params);
        // At the optimum the model predicts an improvement; the belief stops at the best observation.
        Assert.Equal(best, atOptimum.Value);
        var values = trials.Take(40).Select(t => t.Value!.Value).OrderBy(v => v).ToList();
        Assert.True(farAway.Value > values[values.Count / 2], $"belief {farAway.Value} at the far corner, median {values[values.Count / 2]}");
        Assert.Contains(farAway.Value!.Value, values);
    }

    [Fact]
    public void Without_pending_trials_or_results_the_history_is_left_alone()
    {
        var belief = new PendingBelief(QuadraticSpace(), 1);
        var done = OptimizationLoop.Run(Tpe(), Quadratic, 20);
        Assert.Same(done, belief.WithBeliefs(done));
        var onlyPending = new TrialHistory(new[] { new TrialRecord(0, TrialState.Running, Point(0, 0, 0, 0)) }, StudyDirection.Minimize);
        Assert.Same(onlyPending, belief.WithBeliefs(onlyPending));
    }

    [Fact]
    public void A_flat_objective_and_a_mixed_conditional_space_still_get_suggestions_with_pending_trials()
    {
        var flat = Tpe();
        var trials = OptimizationLoop.Run(flat, _ => 1.0, 20).Trials.ToList();
        trials.Add(new TrialRecord(20, TrialState.Running, Point(0, 0, 0, 0)));
        Assert.NotNull(flat.Suggest(new TrialHistory(trials, StudyDirection.Minimize), 21));

        var space = new SearchSpace(
            new CategoricalParameter("opt", new object[] { "sgd", "adam" }),
            new FloatParameter("momentum", 0, 1) { Condition = new ParameterCondition("opt", new object[] { "sgd" }) },
            new IntParameter("layers", 1, 8),
            new FloatParameter("lr", 1e-5, 1e-1, Log: true));
        var tpe = new TpeOptimizer(space, Spec("""{"type":"tpe"}"""));
        static double Loss(Configuration c) => Math.Abs(Math.Log10(c.GetDouble("lr")) + 3) + (string)c["opt"]! switch { "sgd" => 1 - c.GetDouble("momentum"), _ => 0.5 };
        var mixed = OptimizationLoop.Run(tpe, Loss, 30).Trials.ToList();
        for (var n = 30; n < 38; n++)
        {
            var s = tpe.Suggest(new TrialHistory(mixed, StudyDirection.Minimize), n)!;
            Assert.Empty(space.Check(s.Params));
            mixed.Add(new TrialRecord(n, TrialState.Running, s.Params));
        }
    }

    [Fact]
    public void The_belief_settings_are_validated()
    {
        Assert.Equal(("gp", 300), (new TpeSettings().PendingBelief, new TpeSettings().PendingBeliefMaxTrials));
        var e = Assert.Throws<SpecException>(() => TpeSettings.Read(Spec("""{"type":"tpe","pendingBelief":"kriging"}""")));
        Assert.Contains("pendingBelief", e.Message);
        Assert.Throws<SpecException>(() => TpeSettings.Read(Spec("""{"type":"tpe","pendingBeliefMaxTrials":-1}""")));
    }
}
