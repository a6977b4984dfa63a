using System.Text.Json;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Benchmarks;

/// <summary>
/// A named optimizer x scheduler setup of <c>hypertune bench schedulers</c>: the optimizer setup and the spec's
/// <c>scheduler</c> object as JSON. Types are resolved through the factories when the benchmark runs, so setups
/// for optimizers or schedulers this build lacks are listed and skipped with the reason.
/// </summary>
/// <param name="Name">The name in results and tables (<c>tpe+asha</c>).</param>
/// <param name="Optimizer">The optimizer setup (seeded per study by the benchmark).</param>
/// <param name="Scheduler">The spec's <c>scheduler</c> object, as a JSON object text with a <c>type</c>.</param>
public sealed record SchedulerSetup(string Name, OptimizerConfiguration Optimizer, string Scheduler)
{
    /// <summary>
    /// The setup we recommend by default; the goal is that it beats the same optimizer without a scheduler. TPE with
    /// synchronous successive halving did on all four problems with seeds 0..9, 0..29 and 100..129; TPE with ASHA,
    /// the choice for parallel workers or trainables without checkpoints, lost to TPE alone on lc-crossing with 30
    /// seeds (docs/schedulers.md, "Choosing").
    /// </summary>
    public const string RecommendedName = "tpe+successive-halving";

    /// <summary>The same optimizer without a scheduler, which <see cref="RecommendedName"/> must beat.</summary>
    public const string RecommendedBaselineName = "tpe";

    // Every scheduler below compares at rungs 1, 3, 9, 27: the suite's 27 steps with reduction factor 3.
    private const string Rungs = "\"minResource\": 1, \"maxResource\": 27, \"reductionFactor\": 3";
    private const string None = """{"type": "none"}""";
    private const string Median = """{"type": "median", "startupTrials": 5, "warmupSteps": 3}""";
    private const string Asha = "{\"type\": \"asha\", " + Rungs + "}";
    private const string Hyperband = "{\"type\": \"hyperband\", " + Rungs + "}";
    private const string HyperbandSync = "{\"type\": \"hyperband\", " + Rungs + ", \"synchronous\": true}";

    // A first rung of 81 trials costs 81 + 27x2 + 9x6 + 3x18 = 243 steps: 9 full runs per bracket.
    private const string Halving = "{\"type\": \"successive-halving\", " + Rungs + ", \"bracketSize\": 81}";

    private static readonly OptimizerConfiguration Tpe = new("tpe", "tpe");
    private static readonly OptimizerConfiguration Random = new("random", "random");
    private static readonly OptimizerConfiguration Gp = new("gp", "gp");
    private static readonly OptimizerConfiguration Auto = new("auto", null);

    /// <summary>
    /// The standard setups, in table order: the optimizers alone (the baselines), then with each scheduler.
    /// <c>bohb</c> is BOHB's recipe here: TPE fitted at the largest budget level with enough trials
    /// (<c>"multiFidelity": "level"</c>) on asynchronous Hyperband brackets.
    /// </summary>
    public static IReadOnlyList<SchedulerSetup> Standard { get; } = new SchedulerSetup[]
    {
        new("tpe", Tpe, None),
        new("random", Random, None),
        new("auto", Auto, None),
        new("tpe+median", Tpe, Median),
        new("tpe+asha", Tpe, Asha),
        new("gp+asha", Gp, Asha),
        new("auto+asha", Auto, Asha),
        new("random+asha", Random, Asha),
        new("tpe+hyperband", Tpe, Hyperband),
        new("random+hyperband", Random, Hyperband),
        new("tpe+hyperband-sync", Tpe, HyperbandSync),
        new("tpe+successive-halving", Tpe, Halving),
        new("random+successive-halving", Random, Halving),
        new("bohb", new OptimizerConfiguration("bohb", "tpe", "{\"multiFidelity\": \"level\"}"), Hyperband),
    };

    /// <summary>
    /// Builds the scheduler instead of <see cref="Scheduler"/> when set: for tests and experiments with schedulers
    /// that are not registered in the factory.
    /// </summary>
    public Func<StudyDirection, ITrialScheduler>? CreateScheduler { get; init; }

    /// <summary>The scheduler type named by <see cref="Scheduler"/>.</summary>
    /// <exception cref="SpecException">The text is not a JSON object with a string <c>type</c>.</exception>
    public string SchedulerType => ToSchedulerSpec().Type;

    /// <summary>The standard setup with that name (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No standard setup has that name; the message lists them.</exception>
    public static SchedulerSetup FromName(string name)
    {
        var trimmed = name.Trim();
        return Standard.FirstOrDefault(s => string.Equals(s.Name, trimmed, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"unknown setup '{trimmed}'; known: {string.Join(", ", Standard.Select(s => s.Name))}" +
                JsonSettings.Suggest(trimmed, Standard.Select(s => s.Name)));
    }

    /// <summary>The scheduler spec of the setup.</summary>
    /// <exception cref="SpecException">The text is not a JSON object with a string <c>type</c>.</exception>
    public SchedulerSpec ToSchedulerSpec()
    {
        var settings = JsonSettings.Parse(Scheduler, "scheduler");
        if (settings.Element.ValueKind != JsonValueKind.Object ||
            !settings.Element.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            throw new SpecException("scheduler.type", "a setup's scheduler needs a \"type\"");
        return new SchedulerSpec(type.GetString()!, settings.Element.Clone());
    }

    /// <summary>Creates the setup's scheduler for a study.</summary>
    /// <exception cref="SpecException">Unknown scheduler type or bad settings.</exception>
    public ITrialScheduler Create(StudyDirection direction) =>
        CreateScheduler?.Invoke(direction) ?? SchedulerFactory.Create(ToSchedulerSpec(), direction);
}
