using HyperTune.Core.Schedulers.Halving;
using HyperTune.Core.Schedulers.Population;
using HyperTune.Core.Spaces;
using HyperTune.Core.Schedulers.Pruners;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Schedulers;

/// <summary>Creates schedulers by the name a spec gives in <c>scheduler.type</c>.</summary>
public static class SchedulerFactory
{
    private delegate ITrialScheduler Create_(JsonSettings settings, StudyDirection direction, long? trainableSteps);

    // Schedulers that change configurations (population-based training) also need the space and the study seed.
    private delegate ITrialScheduler CreateInSpace(JsonSettings settings, long? trainableSteps, SearchSpace space,
        long seed);

    // The schedulers that only prune on reports, which the patience rule may wrap.
    private static readonly string[] PrunerTypes =
        [PercentilePruner.MedianTypeName, PercentilePruner.TypeName, ThresholdPruner.TypeName, PatiencePruner.TypeName];

    // One line per scheduler. Each reads its settings and rejects unknown fields.
    private static readonly Dictionary<string, Create_> Registry = new(StringComparer.OrdinalIgnoreCase)
    {
        [RunToCompletionScheduler.TypeName] = (settings, _, _) =>
        {
            settings.EnsureNoUnknownFields();
            return new RunToCompletionScheduler();
        },
        [PercentilePruner.MedianTypeName] = (settings, _, _) => PercentilePruner.FromSettings(settings, median: true),
        [PercentilePruner.TypeName] = (settings, _, _) => PercentilePruner.FromSettings(settings, median: false),
        [ThresholdPruner.TypeName] = (settings, _, _) => ThresholdPruner.FromSettings(settings),
        [FoldRacingPruner.TypeName] = (settings, _, _) => FoldRacingPruner.FromSettings(settings),
        [PatiencePruner.TypeName] = CreatePatience,
        [AshaScheduler.TypeName] = (settings, _, steps) => AshaScheduler.FromSettings(settings, steps),
        [SynchronousHalvingScheduler.TypeName] = (settings, _, steps) =>
            SynchronousHalvingScheduler.FromSettings(settings, steps),
        ["hyperband"] = CreateHyperband,
    };

    private static readonly Dictionary<string, CreateInSpace> SpaceRegistry = new(StringComparer.OrdinalIgnoreCase)
    {
        [PbtScheduler.TypeName] = PbtScheduler.FromSettings,
        [PbtReplayScheduler.TypeName] = PbtReplayScheduler.FromSettings,
    };

    /// <summary>The scheduler names a spec may use.</summary>
    public static IReadOnlyList<string> KnownTypes =>
        Registry.Keys.Concat(SpaceRegistry.Keys).OrderBy(k => k, StringComparer.Ordinal).ToArray();

    /// <summary>True when <paramref name="type"/> names a scheduler.</summary>
    public static bool IsKnown(string type) => Registry.ContainsKey(type) || SpaceRegistry.ContainsKey(type);

    /// <summary>Creates the scheduler a spec asks for, validating its settings.</summary>
    /// <param name="spec">The spec's <c>scheduler</c> section.</param>
    /// <param name="direction">The study's direction.</param>
    /// <param name="trainableSteps">
    /// The steps of a full trial when the trainable says (a built-in learning curve): the default
    /// <c>maxResource</c> of the halving schedulers, which otherwise must be given where needed (Hyperband).
    /// </param>
    /// <param name="space">The study's search space: population-based training perturbs configurations in it.</param>
    /// <param name="seed">The study's seed (<c>optimizer.seed</c>): population-based training's random choices
    /// derive from it, the trial and the step.</param>
    /// <exception cref="SpecException">Unknown type or bad settings, naming the field.</exception>
    public static ITrialScheduler Create(SchedulerSpec spec, StudyDirection direction, long? trainableSteps = null,
        SearchSpace? space = null, long seed = 0)
    {
        if (SpaceRegistry.TryGetValue(spec.Type, out var createInSpace))
            return createInSpace(spec.Reader(), trainableSteps,
                space ?? throw new ArgumentNullException(nameof(space), $"scheduler '{spec.Type}' needs the space"),
                seed);
        if (!Registry.TryGetValue(spec.Type, out var create))
            throw new SpecException("scheduler.type", $"unknown scheduler '{spec.Type}'; known: {string.Join(", ", KnownTypes)}{JsonSettings.Suggest(spec.Type, KnownTypes)}");
        return create(spec.Reader(), direction, trainableSteps);
    }

    /// <summary>The scheduler a parsed spec asks for (its space and seed included).</summary>
    /// <exception cref="SpecException">Bad settings, naming the field.</exception>
    public static ITrialScheduler Create(StudySpec spec, long? trainableSteps) =>
        Create(spec.Scheduler, spec.Objective.Direction, trainableSteps, spec.Space, spec.Optimizer.Seed);

    private static ITrialScheduler CreatePatience(JsonSettings settings, StudyDirection direction, long? steps)
    {
        var patience = settings.GetInt("patience", 5, 1, 1_000_000);
        var minDelta = settings.GetDouble("minDelta", 0, 0);
        ITrialScheduler? inner = null;
        if (settings.GetObject("pruner") is { } nested)
        {
            var type = nested.RequireString("type");
            if (!PrunerTypes.Contains(type, StringComparer.OrdinalIgnoreCase))
                throw new SpecException(nested.PathOf("type"),
                    $"'{type}' is not a pruner; patience wraps one of: {string.Join(", ", PrunerTypes)}");
            inner = Registry[type](nested, direction, steps);
        }
        settings.EnsureNoUnknownFields();
        return new PatiencePruner(patience, minDelta, inner);
    }

    private static ITrialScheduler CreateHyperband(JsonSettings settings, StudyDirection direction, long? steps)
    {
        var ladder = ResourceLadder.Read(settings, steps, requireMax: true);
        var synchronous = settings.GetBool("synchronous", false);
        settings.EnsureNoUnknownFields();
        if (ladder.MaxEarlyStoppingRate < 1)
            throw new SpecException(settings.PathOf("maxResource"),
                $"must be at least minResource × reductionFactor ({ladder.MinResource * ladder.ReductionFactor}) " +
                $"for Hyperband to have more than one bracket, got {ladder.MaxResource}");
        var brackets = new HyperbandBrackets(ladder);
        return synchronous
            ? new SynchronousHalvingScheduler(ladder, brackets: brackets)
            : new AshaScheduler(ladder, brackets: brackets);
    }
}
