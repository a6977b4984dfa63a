using System.Text.Json;
using HyperTune.Core.Studies;

namespace HyperTune.Benchmarks.Tests.Schedulers;

public class SchedulerBenchmarkTests
{
    private static readonly OptimizerConfiguration Random = new("random", "random");

    // Setups that run in any build: "none" is always registered; the test schedulers come in through CreateScheduler.
    private static SchedulerSetup[] Setups() => new[]
    {
        new SchedulerSetup("random", Random, """{"type": "none"}"""),
        new SchedulerSetup("tpe", new OptimizerConfiguration("tpe", "tpe"), """{"type": "none"}"""),
        new SchedulerSetup("tpe+prune-odd", new OptimizerConfiguration("tpe", "tpe"), """{"type": "test"}""")
        {
            CreateScheduler = _ => new PruneOddTrialsScheduler(atStep: 3),
        },
    };

    private static SchedulerBenchmarkOptions Small(int studiesAtOnce, int slots = 1) => new()
    {
        BudgetRuns = 4,
        Seeds = 3,
        Problems = new[] { "mf-branin", "lc-mixed" },
        SetupList = Setups(),
        Parallelism = slots,
        MaxDegreeOfParallelism = studiesAtOnce,
    };

    [Fact]
    public void The_json_has_the_agreed_shape()
    {
        var report = SchedulerBenchmark.Run(Small(2));
        using var doc = JsonDocument.Parse(report.ToJson());
        var root = doc.RootElement;
        Assert.Equal(4, root.GetProperty("budget_runs").GetInt32());
        Assert.Equal(3, root.GetProperty("seeds").GetInt32());
        Assert.Equal(1, root.GetProperty("parallelism").GetInt32());
        var results = root.GetProperty("results");
        Assert.Equal(new[] { "mf-branin", "lc-mixed" }, results.EnumerateObject().Select(p => p.Name));
        foreach (var problem in results.EnumerateObject())
        {
            Assert.Equal(new[] { "random", "tpe", "tpe+prune-odd" }, problem.Value.EnumerateObject().Select(p => p.Name));
            foreach (var setup in problem.Value.EnumerateObject())
                foreach (var field in new[] { "median_regret", "mean_regret", "median_trials", "secs", "utilization" })
                    Assert.Equal(JsonValueKind.Number, setup.Value.GetProperty(field).ValueKind);
        }
        // Without a scheduler every trial is a full run: 4 runs, 4 trials. Pruning odd trials at step 3 makes room
        // for more trials in the same budget.
        Assert.Equal(4, results.GetProperty("mf-branin").GetProperty("tpe").GetProperty("median_trials").GetDouble());
        Assert.True(results.GetProperty("mf-branin").GetProperty("tpe+prune-odd").GetProperty("median_trials").GetDouble() > 4);
        // The file reads back as reference figures, as Optuna's does.
        var back = SchedulerReference.Parse(report.ToJson(), "ours");
        Assert.Equal(report.Get("lc-mixed", "tpe")!.MedianRegret, back.Results.Get("lc-mixed", "tpe")!.MedianRegret);
        Assert.Equal(4, back.BudgetRuns);
    }

    [Fact]
    public void Results_do_not_depend_on_how_many_studies_run_at_once()
    {
        var one = SchedulerBenchmark.Run(Small(1, slots: 3));
        var four = SchedulerBenchmark.Run(Small(4, slots: 3));
        foreach (var problem in one.Problems)
            foreach (var setup in one.Setups)
            {
                Assert.Equal(one.Get(problem, setup)!.Regrets, four.Get(problem, setup)!.Regrets);
                Assert.Equal(one.Get(problem, setup)!.MedianTrials, four.Get(problem, setup)!.MedianTrials);
                Assert.Equal(one.Get(problem, setup)!.Utilization, four.Get(problem, setup)!.Utilization);
            }
    }

    [Fact]
    public void A_study_with_no_trial_reaching_the_last_step_has_infinite_regret_written_as_null()
    {
        var options = Small(2) with
        {
            SetupList = new[]
            {
                new SchedulerSetup("prune-all", Random, """{"type": "test"}""") { CreateScheduler = _ => new PruneOddTrialsScheduler(all: true) },
            },
            Problems = new[] { "lc-crossing" },
            BudgetRuns = 2,
        };
        var report = SchedulerBenchmark.Run(options);
        var result = report.Get("lc-crossing", "prune-all")!;
        Assert.True(double.IsPositiveInfinity(result.MedianRegret));
        // Every trial is pruned at step 1, and a new one starts while a whole run fits: k + 27 <= 54 for k = 0..27.
        Assert.Equal(28, result.MedianTrials);
        using var doc = JsonDocument.Parse(report.ToJson());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("results").GetProperty("lc-crossing").GetProperty("prune-all")
            .GetProperty("median_regret").ValueKind);
    }

    [Fact]
    public void A_trial_budget_ends_studies_before_the_step_budget_and_is_in_the_json()
    {
        var report = SchedulerBenchmark.Run(Small(2, slots: 2) with { MaxTrials = 3 });
        // 3 trials of 27 steps in 2 slots: two in ticks 1-27, the third in ticks 28-54 beside an idle slot.
        var tpe = report.Get("mf-branin", "tpe")!;
        Assert.Equal(3, tpe.MedianTrials);
        Assert.Equal(81.0 / (2 * 54), tpe.Utilization, 12);
        Assert.All(tpe.Runs, r => Assert.Equal(81, r.Steps));
        using var doc = JsonDocument.Parse(report.ToJson());
        Assert.Equal(3, doc.RootElement.GetProperty("max_trials").GetInt32());
        using var unlimited = JsonDocument.Parse(SchedulerBenchmark.Run(Small(2)).ToJson());
        Assert.Equal(JsonValueKind.Null, unlimited.RootElement.GetProperty("max_trials").ValueKind);
    }

    [Fact]
    public void Unknown_setup_and_problem_names_are_refused_with_the_known_names()
    {
        var setup = Assert.Throws<ArgumentException>(() => new SchedulerBenchmarkOptions { Setups = new[] { "tpe+ashaa" } }.Validate());
        Assert.Contains("unknown setup 'tpe+ashaa'", setup.Message);
        Assert.Contains("tpe+asha", setup.Message);
        var problem = Assert.Throws<ArgumentException>(() => new SchedulerBenchmarkOptions { Problems = new[] { "mf-branim" } }.Validate());
        Assert.Contains("unknown problem 'mf-branim'", problem.Message);
        Assert.Contains("lc-crossing", problem.Message);
        Assert.Throws<ArgumentException>(() => new SchedulerBenchmarkOptions { Parallelism = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => new SchedulerBenchmarkOptions { Setups = new[] { "tpe", "TPE" } }.Validate());
    }

    [Fact]
    public void Setups_whose_scheduler_or_optimizer_this_build_lacks_are_skipped_with_the_reason()
    {
        var options = Small(2) with
        {
            SetupList = new[]
            {
                new SchedulerSetup("random", Random, """{"type": "none"}"""),
                new SchedulerSetup("random+nothing", Random, """{"type": "no-such-scheduler"}"""),
                new SchedulerSetup("nothing", new OptimizerConfiguration("nothing", "no-such-optimizer"), """{"type": "none"}"""),
                new SchedulerSetup("random+bad", Random, """{"type": "none", "unknownField": 1}"""),
            },
        };
        var report = SchedulerBenchmark.Run(options);
        Assert.NotNull(report.Get("mf-branin", "random"));
        Assert.Null(report.Get("mf-branin", "random+nothing"));
        Assert.Contains(report.Skipped, s => s.Optimizer == "random+nothing" && s.Problem is null && s.Reason.Contains("no-such-scheduler"));
        Assert.Contains(report.Skipped, s => s.Optimizer == "nothing" && s.Reason.Contains("no-such-optimizer"));
        Assert.Contains(report.Skipped, s => s.Optimizer == "random+bad" && s.Problem == "mf-branin" && s.Reason.Contains("unknownField"));
    }

    [Fact]
    public void The_standard_setups_have_unique_names_and_include_the_recommended_one_and_its_baseline()
    {
        var names = SchedulerSetup.Standard.Select(s => s.Name).ToArray();
        Assert.Equal(names.Length, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains(SchedulerSetup.RecommendedName, names);
        Assert.Contains(SchedulerSetup.RecommendedBaselineName, names);
        Assert.All(SchedulerSetup.Standard, s => Assert.False(string.IsNullOrEmpty(s.SchedulerType)));
    }

    [Fact]
    public void The_embedded_reference_is_optunas_figures_for_30_runs_and_10_seeds()
    {
        var reference = SchedulerReference.Optuna30();
        Assert.Equal("Optuna 3.1.0", reference.Name);
        Assert.Null(reference.Mismatch(30, 10));
        Assert.NotNull(reference.Mismatch(20, 10));
        Assert.Equal(new[] { "mf-branin", "mf-hartmann6", "lc-crossing", "lc-mixed" }, reference.Results.Results.Keys);
        Assert.Equal(0.007160927864619526, reference.Results.Get("mf-branin", "tpe+sha")!.MedianRegret);
        Assert.Equal("tpe+sha", reference.Results.Best("mf-branin")!.Value.Sampler);
    }

    [Fact]
    public void The_table_shows_the_reference_beside_ours_and_the_goal_lines()
    {
        var options = Small(2) with { SetupList = Setups().Append(new SchedulerSetup(SchedulerSetup.RecommendedName,
            new OptimizerConfiguration("tpe", "tpe"), """{"type": "test"}""") { CreateScheduler = _ => new PruneOddTrialsScheduler(atStep: 3) }).ToArray() };
        var report = SchedulerBenchmark.Run(options);
        var text = new StringWriter();
        SchedulerTableRenderer.Write(report, text, SchedulerReference.Optuna30());
        var output = text.ToString();
        Assert.Contains("Optuna 3.1.0: tpe+sha", output);
        Assert.Contains("Goal: our best at or below Optuna 3.1.0's best on all 2 problems", output);
        Assert.Contains($"Goal: {SchedulerSetup.RecommendedName} (recommended) below tpe", output);

        var goals = SchedulerGoals.Evaluate(report, SchedulerReference.Optuna30().Results);
        var branin = goals.Problems.Single(p => p.Problem == "mf-branin");
        Assert.Equal(report.Get("mf-branin", "tpe")!.MedianRegret, branin.Baseline);
        Assert.Equal(report.Get("mf-branin", SchedulerSetup.RecommendedName)!.MedianRegret, branin.Recommended);
        Assert.Equal(report.Setups.Min(s => report.Get("mf-branin", s)!.MedianRegret), branin.Ours!.Value.Regret);
        Assert.Equal(("tpe+sha", 0.007160927864619526), branin.Theirs!.Value);
    }
}
