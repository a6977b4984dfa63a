using HyperTune.Core.Optimizers;
using HyperTune.Core.Studies;

namespace HyperTune.Core.Specs;

/// <summary>
/// Parses and validates a study spec (JSON; comments and trailing commas allowed). Everything is checked before a
/// study starts: unknown fields, types, ranges, the search space and the optimizer's settings. Errors are
/// <see cref="SpecException"/>s naming the field. See <c>docs/study-spec.md</c> for every field.
/// </summary>
public static class StudySpecParser
{
    /// <summary>Parses spec text.</summary>
    public static StudySpec Parse(string json)
    {
        var r = JsonSettings.Parse(json);
        var name = r.RequireString("name");
        if (!IsValidName(name))
            throw new SpecException("name", $"'{name}' may only use letters, digits, '-', '_' and '.', and must start with a letter or digit (it becomes the study id)");
        var description = r.GetOptionalString("description");

        var objective = r.RequireObject("objective");
        var metric = objective.RequireString("metric");
        var direction = objective.RequireString("direction", "minimize", "maximize") == "maximize" ? StudyDirection.Maximize : StudyDirection.Minimize;
        objective.EnsureNoUnknownFields();

        var trainable = r.RequireObject("trainable");
        var trainableType = trainable.RequireString("type");

        var space = SearchSpaceParser.Parse(r.GetElement("space") ?? throw new SpecException("space", "is required (an array of parameters)"), "space");

        var optimizerSpec = r.GetObject("optimizer") is { } o
            ? new OptimizerSpec(o.GetString("type", OptimizerSpec.DefaultType).ToLowerInvariant(), o.GetOptionalLong("seed") ?? 0, o.Element)
            : OptimizerSpec.Of(OptimizerSpec.DefaultType);
        if (!OptimizerFactory.IsKnown(optimizerSpec.Type))
            throw new SpecException("optimizer.type", $"unknown optimizer '{optimizerSpec.Type}'; known: {string.Join(", ", OptimizerFactory.KnownTypes)}{JsonSettings.Suggest(optimizerSpec.Type, OptimizerFactory.KnownTypes)}");
        // Creating the optimizer validates its settings now rather than when the first trial is asked for.
        OptimizerFactory.Create(optimizerSpec, space, direction);

        var budget = r.RequireObject("budget");
        var maxTrials = (int)budget.RequireLong("maxTrials", 1, 10_000_000);
        var parallelism = budget.GetInt("parallelism", 1, 1, 10_000);
        var wallClock = budget.GetDuration("wallClockLimit");
        budget.EnsureNoUnknownFields();

        var trialTimeout = r.GetDuration("trialTimeout");
        var maxRetries = r.GetInt("maxRetries", 0, 0, 100);
        var storage = r.GetOptionalString("storage");
        r.EnsureNoUnknownFields();

        return new StudySpec(name, description, new ObjectiveSpec(metric, direction), new TrainableSpec(trainableType, trainable.Element),
            space, optimizerSpec, new BudgetSpec(maxTrials, parallelism, wallClock), trialTimeout, maxRetries, storage, json);
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
