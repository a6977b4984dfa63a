using System.Globalization;
using System.Text.Json;
using HyperTune.Core.Optimizers;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Schedulers.Population;
using HyperTune.Core.Simulation;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;
using HyperTune.Trainables.Functions;

namespace HyperTune.Benchmarks;

/// <summary>
/// The toy problem of the population-based training paper (<see cref="PbtToyProblem"/>) in its figure 2 setting: two
/// members starting from h = (1, 0) and (0, 1), ranked every <c>interval</c> steps; full PBT against its two
/// ablations (exploit only, explore only) and the grid of the two starting points (no PBT). Counts the steps until
/// a member first reaches Q ≥ <see cref="Target"/>, over seeds (<c>hypertune bench pbt</c>).
/// </summary>
public static class PbtToyBenchmark
{
    /// <summary>The goal's value of Q.</summary>
    public const double Target = 1.19;

    /// <summary>The variants, in the order printed.</summary>
    public static readonly string[] Variants = ["pbt", "pb2", "exploit-only", "explore-only", "grid"];

    private static readonly SearchSpace Space = new(new FloatParameter("h0", 0, 1), new FloatParameter("h1", 0, 1));

    /// <summary>One variant over every seed.</summary>
    /// <param name="Variant">Its name.</param>
    /// <param name="StepsToTarget">Per seed, the first step reaching the target, or null.</param>
    /// <param name="FinalBest">Per seed, the best member's final Q.</param>
    public sealed record VariantResult(string Variant, IReadOnlyList<long?> StepsToTarget,
        IReadOnlyList<double> FinalBest)
    {
        /// <summary>Seeds that reached the target.</summary>
        public int Reached => StepsToTarget.Count(s => s is not null);

        /// <summary>The median of the steps, a seed that never reached the target counting as never (∞).</summary>
        public double MedianSteps
        {
            get
            {
                var sorted = StepsToTarget.Select(s => s is { } v ? v : double.PositiveInfinity).Order().ToArray();
                var middle = sorted.Length / 2;
                // Interpolating with ∞ would give NaN: the mean of the two middle values, ∞ when one is.
                return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
            }
        }
    }

    /// <summary>Runs every variant over <paramref name="seeds"/> seeds from <paramref name="firstSeed"/>.</summary>
    public static IReadOnlyList<VariantResult> Run(int seeds, int firstSeed = 0, int steps = 200, int interval = 4,
        bool synchronous = true)
    {
        return Variants.Select(variant =>
        {
            var reached = new List<long?>();
            var finals = new List<double>();
            for (var seed = firstSeed; seed < firstSeed + seeds; seed++)
            {
                var sim = Simulate(variant, seed, steps, interval, synchronous);
                var history = sim.Run();
                reached.Add(sim.FirstStepReaching(Target));
                finals.Add(history.Best?.Value ?? double.NaN);
            }
            return new VariantResult(variant, reached, finals);
        }).ToList();
    }

    /// <summary>
    /// The time the scheduler's decisions take for a population of <paramref name="members"/> training
    /// <paramref name="steps"/> steps (asynchronous, one slot each, interval <paramref name="interval"/>), as a
    /// fraction of the wall time the training takes at <paramref name="stepTime"/> per step; the best of
    /// <paramref name="repeats"/> runs (the first warms the code up).
    /// </summary>
    public static (int Calls, TimeSpan Elapsed, double FractionOfWall) DecisionCost(int members = 16, int steps = 200,
        int interval = 20, TimeSpan? stepTime = null, int repeats = 5)
    {
        var space = Space;
        (int, TimeSpan)? best = null;
        for (var r = 0; r < repeats; r++)
        {
            var timed = new TimedScheduler(new PbtScheduler(interval, new PbtExplorer(space, 0.25, [0.8, 1.2]), true,
                0.25, synchronous: false, members, steps, seed: r));
            var optimizer = OptimizerFactory.Create(OptimizerSpec.Of("random", r), space, StudyDirection.Maximize);
            Toy(optimizer, timed, steps, members, members).Run();
            if (best is null || timed.Elapsed < best.Value.Item2) best = (timed.Calls, timed.Elapsed);
        }
        var wall = (stepTime ?? TimeSpan.FromMilliseconds(10)) * steps;
        return (best!.Value.Item1, best.Value.Item2, best.Value.Item2 / wall);
    }

    /// <summary>The simulation of one variant and seed.</summary>
    public static PopulationSimulation<double[]> Simulate(string variant, int seed, int steps, int interval,
        bool synchronous)
    {
        var starts = new[]
        {
            Configuration.From(new Dictionary<string, object> { ["h0"] = 1.0, ["h1"] = 0.0 }),
            Configuration.From(new Dictionary<string, object> { ["h0"] = 0.0, ["h1"] = 1.0 }),
        };
        var optimizer = new InitialPointsOptimizer(OptimizerFactory.Create(OptimizerSpec.Of("random", seed), Space,
            StudyDirection.Maximize), starts);
        var explorer = new PbtExplorer(Space, 0.25, [0.8, 1.2]);
        ITrialScheduler scheduler = variant switch
        {
            "pbt" => new PbtScheduler(interval, explorer, true, 0.25, synchronous, 2, steps, seed),
            "pb2" => new PbtScheduler(interval, explorer, true, 0.25, synchronous, 2, steps, seed)
            {
                Pb2 = new Pb2Explorer(Space, explorer),
            },
            "exploit-only" => new PbtScheduler(interval, null, true, 0.25, synchronous, 2, steps, seed),
            "explore-only" => new PbtScheduler(interval, explorer, false, 0.25, synchronous, 2, steps, seed),
            "grid" => new RunToCompletionScheduler(),
            _ => throw new ArgumentException($"unknown variant '{variant}'; known: {string.Join(", ", Variants)}"),
        };
        return Toy(optimizer, scheduler, steps, members: 2, slots: 2);
    }

    // The toy problem's members in the simulation: θ trained by PbtToyProblem.Step, valued by its objective.
    private static PopulationSimulation<double[]> Toy(IOptimizer optimizer, ITrialScheduler scheduler, int steps,
        int members, int slots) =>
        new(optimizer, scheduler, () => [.. PbtToyProblem.InitialTheta],
            (theta, h) => PbtToyProblem.Step(theta, h.GetDouble("h0"), h.GetDouble("h1")), PbtToyProblem.Objective,
            steps, members, slots, StudyDirection.Maximize);

    /// <summary>Prints the table and the goal's lines.</summary>
    public static void Write(IReadOnlyList<VariantResult> results, int steps, TextWriter writer)
    {
        var table = new TextTable("variant", $"reached Q>={Target.ToString(CultureInfo.InvariantCulture)}",
            "median steps", "steps per seed", "median final Q");
        foreach (var r in results)
            table.Add(r.Variant, $"{r.Reached}/{r.StepsToTarget.Count}", Format(r.MedianSteps),
                string.Join(" ", r.StepsToTarget.Select(s => s?.ToString(CultureInfo.InvariantCulture) ?? "-")),
                Statistics.Median(r.FinalBest).ToString("0.00000", CultureInfo.InvariantCulture));
        table.Write(writer);
        var pbt = results.Single(r => r.Variant == "pbt");
        writer.WriteLine();
        writer.WriteLine($"goal: PBT reaches Q >= {Target.ToString(CultureInfo.InvariantCulture)} in every seed " +
                         $"({pbt.Reached}/{pbt.StepsToTarget.Count}): " +
                         (pbt.Reached == pbt.StepsToTarget.Count ? "met" : "NOT met"));
        foreach (var other in results.Where(r => r.Variant is not ("pbt" or "pb2")))
            writer.WriteLine($"goal: PBT needs fewer steps than {other.Variant} (median {Format(pbt.MedianSteps)} vs " +
                             $"{Format(other.MedianSteps)}): " +
                             (pbt.MedianSteps < other.MedianSteps ? "met" : "NOT met"));
        writer.WriteLine($"(a seed that never reaches the target within {steps} steps counts as never: -)");
    }

    /// <summary>The results as JSON.</summary>
    public static string ToJson(IReadOnlyList<VariantResult> results) =>
        JsonSerializer.Serialize(results.Select(r => new
        {
            variant = r.Variant,
            reached = r.Reached,
            stepsToTarget = r.StepsToTarget,
            finalBest = r.FinalBest,
        }), new JsonSerializerOptions { WriteIndented = true });

    private static string Format(double steps) =>
        double.IsPositiveInfinity(steps) ? "never" : steps.ToString("0.#", CultureInfo.InvariantCulture);
}
