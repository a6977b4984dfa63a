using System.CommandLine;
using HyperTune.Benchmarks;

namespace HyperTune.Cli.Commands;

/// <summary><c>hypertune bench</c>: optimizer quality on the benchmark suite, and suggest latency. See docs/bench-command.md.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Measure optimizers: regret on the benchmark suite, suggest latency");
        command.Subcommands.Add(CreateOptimizers());
        command.Subcommands.Add(CreateLatency());
        command.Subcommands.Add(CreateSchedulers());
        command.Subcommands.Add(CreateLifecycle());
        command.Subcommands.Add(CreatePbt());
        command.Subcommands.Add(Bench.MultiObjectiveBenchCommand.Create());
        command.Subcommands.Add(Bench.MlBenchCommand.Create());
        command.Subcommands.Add(Bench.StoreBenchCommand.Create());
        command.Subcommands.Add(Bench.EngineBenchCommand.Create());
        return command;
    }

    internal static List<string>? SplitList(string? text) =>
        text is null ? null : SplitOutsideBraces(text);

    // Commas inside a setup's settings (tpe{"gamma": 0.1, "priorWeight": 2}) do not separate setups.
    private static List<string> SplitOutsideBraces(string text)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] == '{') depth++;
            else if (i < text.Length && text[i] == '}') depth--;
            else if (i == text.Length || (text[i] == ',' && depth == 0))
            {
                var part = text[start..i].Trim();
                if (part.Length > 0) parts.Add(part);
                start = i + 1;
            }
        }
        return parts;
    }

    private static Command CreateOptimizers()
    {
        var budget = new Option<int>("--budget") { Description = "Trials per study", DefaultValueFactory = _ => 100 };
        var seeds = new Option<int>("--seeds") { Description = "Studies per problem and optimizer (seeds F..F+S-1)", DefaultValueFactory = _ => 10 };
        var firstSeed = new Option<int>("--first-seed") { Description = "The first seed F, for independent blocks of seeds", DefaultValueFactory = _ => 0 };
        var optimizers = new Option<string?>("--optimizers") { Description = "Comma-separated setups (random, tpe, tpe-mv, gp, rf, cmaes, sobol, coarse-to-fine, evolution, default); all when omitted" };
        var problems = new Option<string?>("--problems") { Description = "Comma-separated problems; the whole suite when omitted" };
        var pending = new Option<int>("--pending") { Description = "Trials in flight at once (simulated parallel workers)", DefaultValueFactory = _ => 1 };
        var parallel = new Option<int?>("--parallel") { Description = "Studies run at the same time (default: processor count)" };
        var output = new Option<string?>("--out") { Description = "Write results as JSON (the reference file's shape)" };
        var reference = new Option<string?>("--reference") { Description = "Reference results to compare with (e.g. Optuna's optuna_anchor_100.json)" };
        var baseline = new Option<string?>("--baseline") { Description = "Results of an earlier run on the same studies (--out of a sequential run, say): prints each setup's ratio of median regret to it" };
        var command = new Command("optimizers", "Median final regret of each optimizer on the benchmark suite")
        {
            budget, seeds, firstSeed, optimizers, problems, pending, parallel, output, reference, baseline,
        };
        command.SetAction(r =>
        {
            var options = new OptimizerBenchmarkOptions
            {
                Budget = r.GetValue(budget),
                Seeds = r.GetValue(seeds),
                FirstSeed = r.GetValue(firstSeed),
                Optimizers = SplitList(r.GetValue(optimizers)),
                Problems = SplitList(r.GetValue(problems)),
                Pending = r.GetValue(pending),
                MaxDegreeOfParallelism = r.GetValue(parallel),
            };
            ReferenceResults? referenceResults, baselineResults;
            try
            {
                options.Validate();
                referenceResults = r.GetValue(reference) is { } path ? ReferenceResults.Load(path)
                    // A conditional problem alone compares with Optuna's figures on it, embedded, at this budget.
                    : options.Problems is { Count: > 0 } named && named.All(n => string.Equals(n.Trim(),
                        ConditionalReference.Problem, StringComparison.OrdinalIgnoreCase))
                        ? ConditionalReference.ForBudget(options.Budget)
                        : null;
                baselineResults = r.GetValue(baseline) is { } basePath ? ReferenceResults.Load(basePath) : null;
                if (baselineResults?.Mismatch(options.Budget, options.Seeds, options.FirstSeed) is { } mismatch)
                    throw new ArgumentException($"--baseline {r.GetValue(baseline)}: {mismatch}; the ratios would compare different studies");
                // Another library's seeds are not ours, so only the budget and the number of studies must agree.
                if (referenceResults?.Mismatch(options.Budget, options.Seeds) is { } referenceMismatch)
                    Console.Error.WriteLine($"warning: --reference {r.GetValue(reference)}: {referenceMismatch}; the comparison is not like for like");
            }
            catch (Exception e) when (e is ArgumentException or IOException or FormatException or System.Text.Json.JsonException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.BadInput;
            }
            var started = DateTime.UtcNow;
            var report = OptimizerBenchmark.Run(options, onStudyDone: _ => Console.Error.Write('.'));
            Console.Error.WriteLine($" {(DateTime.UtcNow - started).TotalSeconds:0.0}s");
            BenchmarkTableRenderer.Write(report, Console.Out, referenceResults, baseline: baselineResults);
            if (referenceResults is not null)
                foreach (var line in ConditionalGoals.Lines(report, referenceResults)) Console.Out.WriteLine(line);
            if (r.GetValue(output) is { } outPath)
            {
                report.SaveJson(outPath);
                Console.Error.WriteLine($"results written to {outPath}");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateSchedulers()
    {
        var budgetRuns = new Option<int>("--budget-runs") { Description = "Budget of each study in full training runs (x 27 steps)", DefaultValueFactory = _ => 30 };
        var seeds = new Option<int>("--seeds") { Description = "Studies per problem and setup (seeds F..F+S-1)", DefaultValueFactory = _ => 10 };
        var firstSeed = new Option<int>("--first-seed") { Description = "The first seed F", DefaultValueFactory = _ => 0 };
        var setups = new Option<string?>("--setups") { Description = "Comma-separated setups (tpe, tpe+asha, random+hyperband...); all when omitted" };
        var problems = new Option<string?>("--problems") { Description = "Comma-separated problems (mf-branin, mf-hartmann6, lc-crossing, lc-mixed); all when omitted" };
        var parallelism = new Option<int>("--parallelism") { Description = "Worker slots of each simulated study", DefaultValueFactory = _ => 1 };
        var maxTrials = new Option<int?>("--max-trials") { Description = "Trial budget of each study (default: only the step budget ends a study)" };
        var parallel = new Option<int?>("--parallel") { Description = "Studies run at the same time (default: processor count)" };
        var output = new Option<string?>("--out") { Description = "Write results as JSON" };
        var reference = new Option<string?>("--reference") { Description = "Reference figures to show beside ours (default: Optuna 3.1's optuna_fidelity_30.json, embedded; 'none' for no comparison)" };
        var command = new Command("schedulers", "Median final regret of optimizer x scheduler setups on the multi-fidelity suite, in simulated time")
        {
            budgetRuns, seeds, firstSeed, setups, problems, parallelism, maxTrials, parallel, output, reference,
        };
        command.SetAction(r =>
        {
            var options = new SchedulerBenchmarkOptions
            {
                BudgetRuns = r.GetValue(budgetRuns),
                Seeds = r.GetValue(seeds),
                FirstSeed = r.GetValue(firstSeed),
                Setups = SplitList(r.GetValue(setups)),
                Problems = SplitList(r.GetValue(problems)),
                Parallelism = r.GetValue(parallelism),
                MaxTrials = r.GetValue(maxTrials),
                MaxDegreeOfParallelism = r.GetValue(parallel),
            };
            SchedulerReference? referenceFigures;
            try
            {
                options.Validate();
                referenceFigures = r.GetValue(reference) switch
                {
                    null => SchedulerReference.Optuna30(),
                    var path when string.Equals(path, "none", StringComparison.OrdinalIgnoreCase) => null,
                    var path => SchedulerReference.Load(path),
                };
                // Another library's seeds are not ours, so only the budget and the number of studies must agree.
                if (referenceFigures?.Mismatch(options.BudgetRuns, options.Seeds) is { } mismatch)
                    Console.Error.WriteLine($"warning: reference {referenceFigures.Name}: {mismatch}; the comparison is not like for like");
            }
            catch (Exception e) when (e is ArgumentException or IOException or FormatException or System.Text.Json.JsonException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.BadInput;
            }
            var started = DateTime.UtcNow;
            var report = SchedulerBenchmark.Run(options, onStudyDone: _ => Console.Error.Write('.'));
            Console.Error.WriteLine($" {(DateTime.UtcNow - started).TotalSeconds:0.0}s");
            SchedulerTableRenderer.Write(report, Console.Out, referenceFigures);
            if (r.GetValue(output) is { } outPath)
            {
                report.SaveJson(outPath);
                Console.Error.WriteLine($"results written to {outPath}");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreatePbt()
    {
        var seeds = new Option<int>("--seeds") { Description = "Seeds of each variant", DefaultValueFactory = _ => 10 };
        var firstSeed = new Option<int>("--first-seed") { Description = "First seed", DefaultValueFactory = _ => 0 };
        var steps = new Option<int>("--steps") { Description = "Steps of each member", DefaultValueFactory = _ => 200 };
        var interval = new Option<int>("--interval")
        {
            Description = "Perturbation interval (steps)", DefaultValueFactory = _ => 4,
        };
        var asynchronous = new Option<bool>("--asynchronous") { Description = "Rank each member as it pauses" };
        var output = new Option<string?>("--out") { Description = "Write results as JSON" };
        var command = new Command("pbt",
            "Population-based training on its paper's toy problem against exploit-only, explore-only and grid, " +
            "in steps")
        {
            seeds, firstSeed, steps, interval, asynchronous, output,
        };
        command.SetAction(r =>
        {
            var stepCount = r.GetValue(steps);
            var intervalSteps = r.GetValue(interval);
            if (r.GetValue(seeds) < 1 || stepCount < 2 || intervalSteps < 1 || intervalSteps >= stepCount)
            {
                Console.Error.WriteLine("error: --seeds must be at least 1, --steps at least 2, and --interval " +
                                        "between 1 and --steps - 1");
                return ExitCodes.BadInput;
            }
            var results = PbtToyBenchmark.Run(r.GetValue(seeds), r.GetValue(firstSeed), stepCount, intervalSteps,
                synchronous: !r.GetValue(asynchronous));
            PbtToyBenchmark.Write(results, stepCount, Console.Out);
            var (calls, elapsed, fraction) = PbtToyBenchmark.DecisionCost();
            Console.Out.WriteLine($"decision cost: {calls} scheduler calls for 16 members x 200 steps (interval 20) " +
                                  $"took {elapsed.TotalMilliseconds:0.0} ms, {fraction:P2} of the 2 s those steps " +
                                  "train at 10 ms " +
                                  "(goal under 5%; end to end on a node: bench lifecycle --setups pbt)");
            if (r.GetValue(output) is { } outPath)
            {
                File.WriteAllText(outPath, PbtToyBenchmark.ToJson(results));
                Console.Error.WriteLine($"results written to {outPath}");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateLifecycle()
    {
        var defaults = new Bench.LifecycleBenchmarkOptions();
        var trials = new Option<int>("--trials")
        {
            Description = "Trial budget of each study", DefaultValueFactory = _ => defaults.Trials,
        };
        var steps = new Option<int>("--steps")
        {
            Description = "Steps of each trial", DefaultValueFactory = _ => defaults.Steps,
        };
        var stepTime = new Option<string>("--step-time")
        {
            Description = "Simulated training time of one step", DefaultValueFactory = _ => "20ms",
        };
        var slots = new Option<int>("--slots")
        {
            Description = "Slots of the node (and the studies' parallelism)", DefaultValueFactory = _ => defaults.Slots,
        };
        var setups = new Option<string?>("--setups")
        {
            Description = "Comma-separated schedulers: "
                          + string.Join(", ", Bench.LifecycleBenchmarkOptions.KnownSetups)
                          + " (default asha,successive-halving)",
        };
        var function = new Option<string>("--function")
        {
            Description = "Built-in function trained: " + string.Join(", ", Bench.LifecycleBenchmark.Functions),
            DefaultValueFactory = _ => defaults.Function,
        };
        var optimizer = new Option<string>("--optimizer")
        {
            Description = "Optimizer of every study", DefaultValueFactory = _ => defaults.Optimizer,
        };
        var seed = new Option<int>("--seed")
        {
            Description = "Optimizer seed", DefaultValueFactory = _ => defaults.Seed,
        };
        var output = new Option<string?>("--out") { Description = "Write results as JSON" };
        var command = new Command("lifecycle",
            "Slot utilization and pruned-slot handover of real studies on an embedded one-node cluster (SQLite), " +
            "from the studies' journals")
        {
            trials, steps, stepTime, slots, setups, function, optimizer, seed, output,
        };
        command.SetAction(async (r, ct) =>
        {
            Bench.LifecycleBenchmarkOptions options;
            try
            {
                if (HyperTune.Core.Specs.JsonSettings.ParseDuration(r.GetValue(stepTime)!) is not { } step)
                    throw new ArgumentException($"--step-time '{r.GetValue(stepTime)}' is not a duration");
                options = defaults with
                {
                    Trials = r.GetValue(trials),
                    Steps = r.GetValue(steps),
                    StepTime = step,
                    Slots = r.GetValue(slots),
                    Setups = SplitList(r.GetValue(setups)) ?? defaults.Setups,
                    Function = r.GetValue(function)!,
                    Optimizer = r.GetValue(optimizer)!,
                    Seed = r.GetValue(seed),
                };
                options.Validate();
                // Refuses a bad function or optimizer before a node starts.
                foreach (var setup in options.Setups)
                    HyperTune.Core.Specs.StudySpecParser.Parse(Bench.LifecycleBenchmark.SpecJson(options, setup));
            }
            catch (Exception e) when (e is ArgumentException or HyperTune.Core.Specs.SpecException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.BadInput;
            }
            await Bench.LifecycleBenchmark.RunAsync(options, Console.Error, results =>
            {
                Bench.LifecycleReport.WriteTable(options, results, Console.Out);
                if (r.GetValue(output) is { } outPath)
                {
                    using (var file = File.Create(outPath)) Bench.LifecycleReport.WriteJson(options, results, file);
                    Console.Error.WriteLine($"results written to {outPath}");
                }
            }, ct);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateLatency()
    {
        var optimizers = new Option<string?>("--optimizers") { Description = "Comma-separated setups; all when omitted" };
        var sizes = new Option<string?>("--sizes") { Description = "History sizes (completed trials), default 100,300,1000,3000" };
        var calls = new Option<int>("--calls") { Description = "Timed calls per setup and size", DefaultValueFactory = _ => 50 };
        var cap = new Option<double>("--max-call-ms") { Description = "Skip a setup at a size (and larger ones) when a call takes longer", DefaultValueFactory = _ => 2000 };
        var pending = new Option<int>("--pending") { Description = "Trials still running in each timed history (parallel workers), besides the completed ones", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--out") { Description = "Write results as JSON" };
        var command = new Command("latency", "Suggest latency against history size (6-D space)") { optimizers, sizes, calls, cap, pending, output };
        command.SetAction(r =>
        {
            SuggestLatencyOptions options;
            try
            {
                options = new SuggestLatencyOptions
                {
                    Optimizers = SplitList(r.GetValue(optimizers)),
                    Calls = r.GetValue(calls),
                    MaxCallMilliseconds = r.GetValue(cap),
                    Pending = r.GetValue(pending),
                };
                if (SplitList(r.GetValue(sizes)) is { } s) options = options with { HistorySizes = s.Select(int.Parse).ToArray() };
                options.Validate();
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.BadInput;
            }
            var report = SuggestLatencyBenchmark.Run(options);
            report.WriteTable(Console.Out);
            if (r.GetValue(output) is { } outPath) File.WriteAllText(outPath, report.ToJson());
            return ExitCodes.Ok;
        });
        return command;
    }
}
