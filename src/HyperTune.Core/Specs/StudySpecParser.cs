using HyperTune.Core.Optimizers;
using HyperTune.Core.Optimizers.Grid;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Specs;

/// <summary>
/// Parses and validates a study spec (JSON; comments and trailing commas allowed). Everything is checked before a
/// study starts: unknown fields, types, ranges, the search space and the optimizer's settings. Errors are
/// <see cref="SpecException"/>s naming the field. See <c>docs/study-spec.md</c> for every field.
/// </summary>
public static class StudySpecParser
{
    /// <summary>Parses spec text within the default limits (<see cref="SpecLimits.Default"/>).</summary>
    public static StudySpec Parse(string json) => Parse(json, SpecLimits.Default);

    /// <summary>
    /// Parses spec text within <paramref name="limits"/>: the text's size is checked first, then sizes inside the
    /// spec as they are read, so an oversized or pathological spec is refused before any expensive work.
    /// </summary>
    public static StudySpec Parse(string json, SpecLimits limits)
    {
        CheckSize(json, limits);
        var r = JsonSettings.Parse(json);
        var name = r.RequireString("name");
        if (!IsValidName(name))
            throw new SpecException("name", $"'{name}' may only use letters, digits, '-', '_' and '.', and must start with a letter or digit (it becomes the study id)");
        var description = r.GetOptionalString("description");

        var objectiveSpec = ObjectiveParser.Parse(r);
        var direction = objectiveSpec.Direction;

        var trainable = r.RequireObject("trainable");
        var trainableType = trainable.RequireString("type");
        // A full trial's steps when the spec declares them; the trainable's factory checks the field for its type.
        var declaredSteps = trainable.GetOptionalLong("steps", 1, MaxDeclaredSteps);

        var spaceElement = r.GetElement("space")
                           ?? throw new SpecException("space", "is required (an array of parameters)");
        var space = SearchSpaceParser.Parse(spaceElement, "space", limits);

        var optimizerSpec = r.GetObject("optimizer") is { } o
            ? new OptimizerSpec(o.GetString("type", OptimizerSpec.DefaultType).ToLowerInvariant(), o.GetOptionalLong("seed") ?? 0, o.Element)
            : OptimizerSpec.Of(OptimizerSpec.DefaultType);
        if (!OptimizerFactory.IsKnown(optimizerSpec.Type))
            throw new SpecException("optimizer.type", $"unknown optimizer '{optimizerSpec.Type}'; known: {string.Join(", ", OptimizerFactory.KnownTypes)}{JsonSettings.Suggest(optimizerSpec.Type, OptimizerFactory.KnownTypes)}");
        // Counted before the grid optimizer enumerates its points, which it would do for up to its own maxPoints.
        if (string.Equals(optimizerSpec.Type, GridOptimizer.TypeName, StringComparison.OrdinalIgnoreCase))
            GridOptimizer.EnsureWithin(space, optimizerSpec, limits.MaxGridPoints);
        CheckModelDimensions(optimizerSpec.Type, space, limits);
        // Creating the optimizer validates its settings now rather than when the first trial is asked for.
        OptimizerFactory.Create(optimizerSpec, space, direction);
        OptimizerFactory.CheckObjectives(optimizerSpec.Type, objectiveSpec);

        var schedulerSpec = r.GetObject("scheduler") is { } so
            ? new SchedulerSpec(so.GetString("type", SchedulerSpec.DefaultType).ToLowerInvariant(), so.Element)
            : SchedulerSpec.None;
        CheckScheduler(schedulerSpec, direction, declaredSteps, space, optimizerSpec.Seed);

        var budget = r.RequireObject("budget");
        var maxTrials = (int)budget.RequireLong("maxTrials", 1, 10_000_000);
        var parallelism = budget.GetInt("parallelism", 1, 1, 10_000);
        var wallClock = budget.GetDuration("wallClockLimit");
        var maxSteps = budget.GetOptionalLong("maxSteps", 1, 1_000_000_000_000);
        if (maxSteps is { } steps && declaredSteps is { } full) BudgetSpec.CheckMaxSteps(steps, full);
        budget.EnsureNoUnknownFields();

        var trialTimeout = r.GetDuration("trialTimeout");
        var maxRetries = r.GetInt("maxRetries", 0, 0, 100);
        var storage = r.GetOptionalString("storage");
        r.EnsureNoUnknownFields();

        return new StudySpec(name, description, objectiveSpec, new TrainableSpec(trainableType, trainable.Element),
            space, optimizerSpec, new BudgetSpec(maxTrials, parallelism, wallClock, maxSteps), trialTimeout, maxRetries, storage, json)
        {
            Scheduler = schedulerSpec,
        };
    }

    // The largest trainable.steps read here (a process may declare up to this; functions allow fewer).
    private const long MaxDeclaredSteps = 1_000_000_000;

    /// <summary>
    /// Creating the scheduler validates its settings (unknown type or field, bad values) with the field named. A
    /// halving scheduler's default <c>maxResource</c> is the trainable's step count: <c>trainable.steps</c> when the
    /// spec gives it; otherwise only the trainable knows it (a built-in learning curve has 27 steps) and Core cannot
    /// build trainables, so a missing maximum is checked at submission (<c>StudyDecider.CheckTrainable</c> builds the
    /// scheduler with the trainable's step count and refuses the study when neither gives one). Here the other
    /// settings are still checked, against the largest maximum a spec may give.
    /// </summary>
    private static void CheckScheduler(SchedulerSpec spec, StudyDirection direction, long? declaredSteps,
        SearchSpace space, long seed)
    {
        try
        {
            SchedulerFactory.Create(spec, direction, declaredSteps, space, seed);
        }
        catch (SpecException e) when (declaredSteps is null
                                      && e.Path is "scheduler.maxResource" or "scheduler.perturbationInterval"
                                      && !spec.Reader().Has(e.Path["scheduler.".Length..]))
        {
            SchedulerFactory.Create(spec, direction, int.MaxValue, space, seed);
        }
    }

    // Optimizers whose cost per suggestion grows with the encoded dimension (auto switches to TPE by itself).
    private static readonly HashSet<string> ModelBasedTypes =
        new(StringComparer.OrdinalIgnoreCase) { "gp", "rf", "cmaes" };

    private static void CheckModelDimensions(string optimizerType, SearchSpace space, SpecLimits limits)
    {
        if (!ModelBasedTypes.Contains(optimizerType)) return;
        var dimensions = new SpaceEncoder(space).Dimension;
        if (dimensions <= limits.MaxModelDimensions) return;
        throw new SpecException("optimizer.type",
            $"the {optimizerType} optimizer would model this space in {dimensions} dimensions (one per numeric " +
            $"parameter, one per categorical choice), more than the limit of {limits.MaxModelDimensions} " +
            "(hypertune.limits.max-model-dimensions); use tpe, random or sobol, or fewer choices");
    }

    /// <summary>Refuses a spec text longer than <see cref="SpecLimits.MaxSpecBytes"/> in UTF-8.</summary>
    /// <exception cref="SpecException">The text is too large.</exception>
    public static void CheckSize(string json, SpecLimits limits)
    {
        // Counting is linear and vectorized: milliseconds even for the 25 MB spec that once exceeded the frame.
        var bytes = System.Text.Encoding.UTF8.GetByteCount(json);
        if (bytes <= limits.MaxSpecBytes) return;
        throw new SpecException("", $"the spec is {bytes} bytes, more than the limit of {limits.MaxSpecBytes} bytes " +
                                    "(hypertune.limits.max-spec-bytes)");
    }

    /// <summary>Reads and parses a spec file; a missing or unreadable file is a <see cref="SpecException"/> too.</summary>
    public static StudySpec ParseFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SpecException("", $"cannot read spec file '{path}': {e.Message}");
        }
        return Parse(text);
    }

    /// <summary>True for names usable as study ids.</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 100 && char.IsAsciiLetterOrDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
