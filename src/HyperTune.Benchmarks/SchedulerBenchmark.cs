using System.Diagnostics;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Simulation;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;
using HyperTune.Trainables.Functions;

namespace HyperTune.Benchmarks;

/// <summary>
/// Runs optimizer x scheduler setups on the multi-fidelity suite (<see cref="FidelityProblems"/>), seeds F .. F+S-1,
/// each study through <see cref="MultiFidelitySimulation"/> (the coordinator's decisions in simulated time) with a
/// budget of budget runs x T steps, as shared/bench/optuna_fidelity.py defines it. Studies run in parallel, but each
/// is a pure function of (problem, setup, seed, budget, slots) and results are gathered in a fixed order, so the
/// figures do not depend on how many studies run at once.
/// </summary>
public static class SchedulerBenchmark
{
    /// <summary>Runs the benchmark.</summary>
    /// <param name="options">What to run.</param>
    /// <param name="onStudyDone">Called after each study, from worker threads (for progress output).</param>
    /// <param name="cancellationToken">Stops starting new studies.</param>
    /// <exception cref="ArgumentException">Bad options, or an unknown setup or problem name.</exception>
    public static SchedulerBenchmarkReport Run(SchedulerBenchmarkOptions options, Action<SchedulerStudyRun>? onStudyDone = null,
        CancellationToken cancellationToken = default)
    {
        options.Validate();
        var problems = ResolveProblems(options.Problems);
        var setups = options.ResolveSetups();
        var skipped = new List<SkippedBenchmark>();
        var studies = new List<(FidelityProblem Problem, SchedulerSetup Setup, int Seed)>();
        foreach (var setup in setups)
        {
            if (Unavailable(setup) is { } why)
            {
                skipped.Add(new SkippedBenchmark(setup.Name, null, why));
                continue;
            }
            foreach (var problem in problems)
            {
                if (Refusal(problem, setup) is { } reason)
                {
                    skipped.Add(new SkippedBenchmark(setup.Name, problem.Name, reason));
                    continue;
                }
                for (var seed = options.FirstSeed; seed < options.FirstSeed + options.Seeds; seed++) studies.Add((problem, setup, seed));
            }
        }

        var runs = new SchedulerStudyRun[studies.Count];
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism ?? Environment.ProcessorCount,
            CancellationToken = cancellationToken,
        };
        Parallel.For(0, studies.Count, parallel, i =>
        {
            var (problem, setup, seed) = studies[i];
            runs[i] = RunStudy(problem, setup, seed, options.BudgetRuns, options.Parallelism, options.KeepHistories,
                options.MaxTrials);
            onStudyDone?.Invoke(runs[i]);
        });

        var results = new Dictionary<string, IReadOnlyDictionary<string, SchedulerResult>>(StringComparer.Ordinal);
        foreach (var problem in problems)
        {
            var bySetup = new Dictionary<string, SchedulerResult>(StringComparer.Ordinal);
            foreach (var setup in setups)
            {
                var mine = runs.Where(r => r.Problem == problem.Name && r.Setup == setup.Name).OrderBy(r => r.Seed).ToArray();
                if (mine.Length == 0) continue;
                bySetup[setup.Name] = new SchedulerResult(
                    Statistics.Median(mine.Select(r => r.Regret)),
                    Statistics.Mean(mine.Select(r => r.Regret)),
                    Statistics.Median(mine.Select(r => (double)r.Trials)),
                    mine.Sum(r => r.Seconds),
                    Statistics.Mean(mine.Select(r => r.Utilization)),
                    mine);
            }
            results[problem.Name] = bySetup;
        }
        return new SchedulerBenchmarkReport(options.BudgetRuns, options.Seeds, options.Parallelism,
            problems.Select(p => p.Name).ToArray(), setups.Select(s => s.Name).ToArray(), results, skipped)
        {
            FirstSeed = options.FirstSeed,
            MaxTrials = options.MaxTrials,
        };
    }

    /// <summary>
    /// Runs one simulated study: budget runs x T steps, <paramref name="parallelism"/> slots, at most
    /// <paramref name="maxTrials"/> new trials (null: as many as the step budget allows).
    /// </summary>
    public static SchedulerStudyRun RunStudy(FidelityProblem problem, SchedulerSetup setup, int seed, int budgetRuns,
        int parallelism, bool keepHistory = false, int? maxTrials = null)
    {
        var optimizer = OptimizerFactory.Create(setup.Optimizer.ToSpec(seed), problem.Space, StudyDirection.Minimize);
        var scheduler = setup.Create(StudyDirection.Minimize);
        var budget = (long)budgetRuns * problem.Steps;
        // Every trial costs at least one step, so the step budget bounds the trial budget the scheduler is told.
        var settings = new SimulationSettings(problem.Steps, budget, parallelism, maxTrials ?? (int)Math.Min(budget, int.MaxValue));
        var started = Stopwatch.GetTimestamp();
        var result = MultiFidelitySimulation.Run(settings, optimizer, scheduler, (c, t) => problem.Curve(c, t));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var best = result.BestValue;
        return new SchedulerStudyRun(problem.Name, setup.Name, seed, best, best is { } b ? b - problem.Optimum : double.PositiveInfinity,
            result.TrialsStarted, result.StepsSpent, result.Utilization, seconds, keepHistory ? result.History : null);
    }

    /// <summary>The suite's problems with the given names (all when null), in suite order.</summary>
    /// <exception cref="ArgumentException">A name is not a problem of the multi-fidelity suite.</exception>
    public static IReadOnlyList<FidelityProblem> ResolveProblems(IReadOnlyList<string>? names)
    {
        if (names is null) return FidelityProblems.All;
        var known = FidelityProblems.All.Select(p => p.Name).ToArray();
        var wanted = names.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()).ToArray();
        foreach (var name in wanted)
            if (FidelityProblems.Find(name) is null)
                throw new ArgumentException($"unknown problem '{name}'; known: {string.Join(", ", known)}" +
                    JsonSettings.Suggest(name, known));
        var problems = FidelityProblems.All.Where(p => wanted.Contains(p.Name, StringComparer.OrdinalIgnoreCase)).ToArray();
        if (problems.Length == 0) throw new ArgumentException("--problems names no problem");
        return problems;
    }

    // Why a setup cannot run in this build at all (its optimizer or scheduler type is unknown), or null.
    private static string? Unavailable(SchedulerSetup setup)
    {
        if (!OptimizerFactory.IsKnown(setup.Optimizer.ResolvedType))
            return $"optimizer '{setup.Optimizer.ResolvedType}' is not available in this build";
        if (setup.CreateScheduler is not null) return null;
        try
        {
            var type = setup.SchedulerType;
            return Core.Schedulers.SchedulerFactory.IsKnown(type) ? null : $"scheduler '{type}' is not available in this build";
        }
        catch (SpecException e)
        {
            return e.Message;
        }
    }

    // Why a setup cannot run on a problem (bad settings, or the optimizer refuses the space), or null.
    private static string? Refusal(FidelityProblem problem, SchedulerSetup setup)
    {
        try
        {
            OptimizerFactory.Create(setup.Optimizer.ToSpec(0), problem.Space, StudyDirection.Minimize);
            setup.Create(StudyDirection.Minimize);
            return null;
        }
        catch (SpecException e)
        {
            return e.Message;
        }
    }
}
