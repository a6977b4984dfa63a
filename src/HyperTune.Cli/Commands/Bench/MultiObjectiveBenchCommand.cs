using System.CommandLine;
using HyperTune.Benchmarks;
using HyperTune.Trainables.Functions;

namespace HyperTune.Cli.Commands.Bench;

/// <summary>
/// <c>hypertune bench multiobjective</c>: hypervolume regret of multi-objective setups on the multi-objective suite,
/// beside Optuna's figures (embedded <c>optuna_mo_200.json</c>, or <c>--reference FILE</c>).
/// </summary>
internal static class MultiObjectiveBenchCommand
{
    public static Command Create()
    {
        var budget = new Option<int>("--budget") { Description = "Trials per study", DefaultValueFactory = _ => 200 };
        var seeds = new Option<int>("--seeds") { Description = "Studies per problem and setup", DefaultValueFactory = _ => 10 };
        var firstSeed = new Option<int>("--first-seed") { Description = "First seed", DefaultValueFactory = _ => 0 };
        var setups = new Option<string?>("--setups")
        {
            Description = "Comma-separated setups (random, nsga2, tpe, gp, default, or TYPE{settings}); all standard ones when omitted",
        };
        var problems = new Option<string?>("--problems") { Description = "Comma-separated problems; the whole suite when omitted" };
        var output = new Option<string?>("--out") { Description = "Write results as JSON" };
        var reference = new Option<string?>("--reference")
        {
            Description = "Reference figures to compare with (default: Optuna 3.1's optuna_mo_200.json, embedded)",
        };
        var command = new Command("multiobjective",
            "Hypervolume regret of multi-objective optimizers on zdt1-4d, zdt2-4d, fonseca-3d and dtlz2-3obj")
        {
            budget, seeds, firstSeed, setups, problems, output, reference,
        };
        command.SetAction(r =>
        {
            try
            {
                if (r.GetValue(budget) < 1 || r.GetValue(seeds) < 1)
                    throw new ArgumentException("--budget and --seeds must be at least 1");
                var chosen = BenchCommand.SplitList(r.GetValue(problems))?.Select(n => MultiObjectiveProblems.Find(n)
                    ?? throw new ArgumentException($"unknown problem '{n}'; known: " +
                                                   string.Join(", ", MultiObjectiveProblems.All.Select(p => p.Name))))
                    .ToList() ?? MultiObjectiveProblems.All.ToList();
                var chosenSetups = BenchCommand.SplitList(r.GetValue(setups))?.Select(n =>
                        MultiObjectiveBenchmark.StandardSetups.FirstOrDefault(s => s.Name == n) ?? OptimizerConfiguration.FromName(n))
                    .ToList() ?? MultiObjectiveBenchmark.StandardSetups.ToList();
                var (figures, refBudget, refSeeds) = MultiObjectiveBenchmark.ReadReference(r.GetValue(reference));
                if (refBudget is { } b && b != r.GetValue(budget) || refSeeds is { } s && s != r.GetValue(seeds))
                    Console.Error.WriteLine($"warning: the reference was run with budget {refBudget} and {refSeeds} seeds; " +
                                            "the comparison is not like for like");
                var results = MultiObjectiveBenchmark.Run(chosen, chosenSetups, r.GetValue(budget), r.GetValue(seeds),
                    r.GetValue(firstSeed), Console.Error);
                MultiObjectiveBenchmark.Write(results, figures, Console.Out);
                if (r.GetValue(output) is { } path)
                {
                    File.WriteAllText(path, MultiObjectiveBenchmark.ToJson(results, r.GetValue(budget), r.GetValue(seeds), r.GetValue(firstSeed)));
                    Console.Error.WriteLine($"results written to {path}");
                }
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is ArgumentException or IOException or FormatException or Core.Specs.SpecException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.BadInput;
            }
        });
        return command;
    }
}
