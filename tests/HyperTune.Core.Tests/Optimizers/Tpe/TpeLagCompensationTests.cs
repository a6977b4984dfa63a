using System.Text.Json;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Optimizers.Designs;
using HyperTune.Core.Optimizers.Tpe;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Tests.Optimizers.Tpe;

/// <summary>TPE with parallel workers: the constant liar and the lag compensation.</summary>
public class TpeLagCompensationTests
{
    private const int Workers = 8;

    private static OptimizerSpec Spec(string json, long seed) => new("tpe", seed, JsonDocument.Parse(json).RootElement.Clone());

    private static TpeOptimizer Tpe(string json = """{"type":"tpe"}""", long seed = 1) => new(QuadraticSpace(), Spec(json, seed));

    private static SearchSpace QuadraticSpace() =>
        new(Enumerable.Range(0, 4).Select(i => (Parameter)new FloatParameter($"x{i}", -1, 1)));

    private static double Quadratic(Configuration c) =>
        Enumerable.Range(0, 4).Sum(i => Math.Pow(c.GetDouble($"x{i}") - 0.1 * (i + 2), 2));

    /// <summary>A finished sequential study, then <paramref name="pending"/> workers asking in turn, each suggestion left running.</summary>
    private static (List<TrialRecord> Trials, List<Configuration> Batch) AskInTurn(TpeOptimizer tpe, int completed, int pending)
    {
        var trials = OptimizationLoop.Run(tpe, Quadratic, completed).Trials.ToList();
        var batch = new List<Configuration>();
        for (var w = 0; w < pending; w++)
        {
            var s = tpe.Suggest(new TrialHistory(trials, StudyDirection.Minimize), completed + w)!;
            batch.Add(s.Params);
            trials.Add(new TrialRecord(completed + w, TrialState.Running, s.Params));
        }
        return (trials, batch);
    }

    private static double Distance(Configuration a, Configuration b) =>
        Math.Sqrt(Enumerable.Range(0, 4).Sum(i => Math.Pow(a.GetDouble($"x{i}") - b.GetDouble($"x{i}"), 2)));

    [Fact]
    public void Sequential_suggestions_do_not_depend_on_the_lag_compensation()
    {
        var history = OptimizationLoop.Run(Tpe(), Quadratic, 40);
        var plain = Tpe("""{"type":"tpe","lagCompensation":false}""").Suggest(history, 40)!.Params;
        Assert.Equal(plain, Tpe().Suggest(history, 40)!.Params);
        Assert.Equal(plain, Tpe("""{"type":"tpe","pendingRankExponent":7,"pendingFloorCredit":50}""").Suggest(history, 40)!.Params);
    }

    [Fact]
    public void With_pending_trials_the_lag_compensation_changes_the_suggestion()
    {
        var (trials, _) = AskInTurn(Tpe(), 40, Workers - 1);
        var history = new TrialHistory(trials, StudyDirection.Minimize);
        var compensated = Tpe().Suggest(history, trials.Count)!.Params;
        Assert.NotEqual(compensated, Tpe("""{"type":"tpe","lagCompensation":false}""").Suggest(history, trials.Count)!.Params);
        Assert.NotEqual(compensated, Tpe("""{"type":"tpe","pendingRankExponent":1,"pendingFloorCredit":0}""").Suggest(history, trials.Count)!.Params);
    }

    [Fact]
    public void The_startup_phase_counts_pending_trials()
    {
        // Three results and three trials still running: with nStartupTrials 6, six trials have been started, so
        // the seventh is modelled; without the compensation it would wait for six results.
        var space = QuadraticSpace();
        var trials = new List<TrialRecord>();
        for (var n = 0; n < 6; n++)
        {
            var c = InitialDesign.Point("random", space, 1, n);
            trials.Add(n < 3 ? new TrialRecord(n, TrialState.Complete, c) { Value = Quadratic(c) } : new TrialRecord(n, TrialState.Running, c));
        }
        var history = new TrialHistory(trials, StudyDirection.Minimize);
        var design = InitialDesign.Point("random", space, 1, 6);
        Assert.NotEqual(design, Tpe("""{"type":"tpe","nStartupTrials":6}""").Suggest(history, 6)!.Params);
        Assert.Equal(design, Tpe("""{"type":"tpe","nStartupTrials":6,"lagCompensation":false}""").Suggest(history, 6)!.Params);
        // With no result at all there is nothing to model yet, whatever is running.
        var nothingDone = new TrialHistory(trials.Select(t => t with { State = TrialState.Running, Value = null }).ToList(), StudyDirection.Minimize);
        Assert.Equal(design, Tpe("""{"type":"tpe","nStartupTrials":6}""").Suggest(nothingDone, 6)!.Params);
    }

    [Fact]
    public void Eight_concurrent_suggestions_are_distinct_and_spread_apart()
    {
        double MeanClosestPair(string json)
        {
            var closest = new List<double>();
            for (var seed = 0; seed < 12; seed++)
            {
                var (_, batch) = AskInTurn(Tpe(json, seed), 40, Workers);
                Assert.Equal(Workers, batch.Distinct().Count());
                closest.Add(batch.SelectMany((a, i) => batch.Skip(i + 1).Select(b => Distance(a, b))).Min());
            }
            return closest.Average();
        }

        // The defaults (a narrow constant liar and the lag compensation) keep the points in flight apart; without the
        // liar the workers share one model and crowd together.
        var spread = MeanClosestPair("""{"type":"tpe"}""");
        var crowded = MeanClosestPair("""{"type":"tpe","constantLiar":false}""");
        Assert.True(spread > 1.25 * crowded, $"closest pair {spread} with the liar vs {crowded} without");
    }

    [Fact]
    public void Suggestions_with_pending_trials_are_deterministic_also_from_a_fresh_optimizer()
    {
        var used = Tpe(seed: 5);
        var (trials, _) = AskInTurn(used, 40, Workers - 1);
        var history = new TrialHistory(trials, StudyDirection.Minimize);
        var first = used.Suggest(history, trials.Count)!.Params;
        Assert.Equal(first, used.Suggest(history, trials.Count)!.Params);
        Assert.Equal(first, Tpe(seed: 5).Suggest(history, trials.Count)!.Params);
    }

    [Fact]
    public void Eight_parallel_workers_optimize_a_quadratic_far_better_than_random_search()
    {
        var space = QuadraticSpace();
        var tpeBest = new List<double>();
        var randomBest = new List<double>();
        for (var seed = 0; seed < 5; seed++)
        {
            tpeBest.Add(OptimizationLoop.Run(Tpe(seed: seed), Quadratic, 80, pending: Workers).Best!.Value!.Value);
            var random = OptimizerFactory.Create(OptimizerSpec.Of("random", seed), space, StudyDirection.Minimize);
            randomBest.Add(OptimizationLoop.Run(random, Quadratic, 80).Best!.Value!.Value);
        }
        tpeBest.Sort();
        randomBest.Sort();
        Assert.True(tpeBest[2] * 5 < randomBest[2], $"tpe {tpeBest[2]} vs random {randomBest[2]}");
    }

    [Theory]
    [InlineData("""{"type":"tpe","lagCompensation":"yes"}""", "optimizer.lagCompensation")]
    [InlineData("""{"type":"tpe","pendingRankExponent":-1}""", "optimizer.pendingRankExponent")]
    [InlineData("""{"type":"tpe","pendingFloorCredit":-0.5}""", "optimizer.pendingFloorCredit")]
    [InlineData("""{"type":"tpe","liarBandwidthFactor":0}""", "optimizer.liarBandwidthFactor")]
    public void Invalid_lag_compensation_settings_are_rejected_naming_the_field(string json, string path)
    {
        var e = Assert.Throws<SpecException>(() => OptimizerFactory.Create(Spec(json, 1), QuadraticSpace(), StudyDirection.Minimize));
        Assert.Equal(path, e.Path);
    }

    [Fact]
    public void Lag_compensation_and_liar_settings_are_read_with_their_defaults()
    {
        var d = TpeSettings.Read(Spec("""{"type":"tpe"}""", 1));
        Assert.True(d.LagCompensation);
        Assert.Equal(6.0, d.PendingRankExponent);
        Assert.Equal(6.0, d.PendingFloorCredit);
        Assert.Equal(0.5, d.LiarBandwidthFactor);
        var s = TpeSettings.Read(Spec("""{"type":"tpe","lagCompensation":false,"pendingRankExponent":2,"pendingFloorCredit":0,"liarBandwidthFactor":1}""", 1));
        Assert.False(s.LagCompensation);
        Assert.Equal(2.0, s.PendingRankExponent);
        Assert.Equal(0.0, s.PendingFloorCredit);
        Assert.Equal(1.0, s.LiarBandwidthFactor);
    }
}
