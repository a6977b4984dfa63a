using System.Text.Json;
using System.Text.Json.Nodes;
using HyperTune.Core.Specs;

namespace HyperTune.Client;

/// <summary>
/// Builds a study spec in C#: the objective, the search space, the trainable (an ML.NET learner, a process, or the
/// in-process objective given to <see cref="LocalStudy.OptimizeAsync(Func{Trial, CancellationToken, Task{double}}, CancellationToken)"/>),
/// the optimizer, the scheduler and the budget. <see cref="ToJson"/> gives the same document a spec file holds, so a
/// built study can be saved, submitted to a cluster, or run by <c>hypertune run</c>.
/// </summary>
public sealed class StudyBuilder
{
    private readonly string _name;
    private readonly JsonArray _space = new();
    private JsonObject _objective = new() { ["metric"] = "value", ["direction"] = "minimize" };
    private JsonObject? _trainable;
    private JsonObject _optimizer = new();
    private JsonObject? _scheduler;
    private readonly JsonObject _budget = new() { ["maxTrials"] = 100 };
    private string? _description;

    private StudyBuilder(string name) => _name = name;

    /// <summary>Starts a study called <paramref name="name"/> (letters, digits, '-', '_', '.'; it is the study's id).</summary>
    /// <exception cref="ArgumentException">Not a valid study name.</exception>
    public static StudyBuilder Create(string name) =>
        StudySpecParser.IsValidName(name) ? new StudyBuilder(name)
            : throw new ArgumentException($"'{name}' is not a valid study name: 1-100 letters, digits, '-', '_', '.', " +
                                          "starting with a letter or digit", nameof(name));

    /// <summary>The study's name.</summary>
    public string Name => _name;

    /// <summary>A line saying what the study is for.</summary>
    public StudyBuilder Describe(string description)
    {
        _description = description;
        return this;
    }

    /// <summary>Minimizes <paramref name="metric"/> (default <c>value</c>).</summary>
    public StudyBuilder Minimize(string metric = "value") => Objective(metric, "minimize");

    /// <summary>Maximizes <paramref name="metric"/> (default <c>value</c>).</summary>
    public StudyBuilder Maximize(string metric = "value") => Objective(metric, "maximize");

    /// <summary>A float parameter in [low, high], sampled on a log scale when <paramref name="log"/>.</summary>
    public StudyBuilder Float(string name, double low, double high, bool log = false, double? step = null)
    {
        var p = Parameter(name, "float");
        p["low"] = low;
        p["high"] = high;
        if (log) p["log"] = true;
        if (step is { } s) p["step"] = s;
        return this;
    }

    /// <summary>An integer parameter in [low, high].</summary>
    public StudyBuilder Int(string name, long low, long high, bool log = false, long? step = null)
    {
        var p = Parameter(name, "int");
        p["low"] = low;
        p["high"] = high;
        if (log) p["log"] = true;
        if (step is { } s) p["step"] = s;
        return this;
    }

    /// <summary>A categorical parameter (strings, numbers or booleans).</summary>
    public StudyBuilder Categorical<T>(string name, params T[] choices)
    {
        var p = Parameter(name, "categorical");
        p["choices"] = JsonSerializer.SerializeToNode(choices);
        return this;
    }

    /// <summary>
    /// The trainable: a <c>function</c>, <c>process</c> or <c>mlnet</c> trainable with its fields, as an object
    /// serialized to JSON (an anonymous object or a dictionary). Not needed for an in-process objective.
    /// </summary>
    public StudyBuilder Trainable(string type, object fields)
    {
        var node = JsonSerializer.SerializeToNode(fields) as JsonObject
                   ?? throw new ArgumentException("the trainable's fields must serialize to a JSON object", nameof(fields));
        node["type"] = type;
        _trainable = node;
        return this;
    }

    /// <summary>The optimizer (<c>auto</c>, <c>tpe</c>, <c>gp</c>, <c>random</c>, <c>cmaes</c>...), its seed and settings.</summary>
    public StudyBuilder Optimizer(string type, long? seed = null, object? settings = null)
    {
        _optimizer = Settings(settings);
        _optimizer["type"] = type;
        if (seed is { } s) _optimizer["seed"] = s;
        return this;
    }

    /// <summary>The optimizer's seed, keeping its type.</summary>
    public StudyBuilder Seed(long seed)
    {
        _optimizer["seed"] = seed;
        return this;
    }

    /// <summary>The scheduler (<c>median</c>, <c>asha</c>, <c>hyperband</c>, <c>fold-racing</c>...) and its settings.</summary>
    public StudyBuilder Scheduler(string type, object? settings = null)
    {
        _scheduler = Settings(settings);
        _scheduler["type"] = type;
        return this;
    }

    /// <summary>The trial budget and how many trials run at once.</summary>
    public StudyBuilder Budget(int maxTrials, int? parallelism = null)
    {
        _budget["maxTrials"] = maxTrials;
        if (parallelism is { } p) _budget["parallelism"] = p;
        return this;
    }

    /// <summary>The spec as JSON, with an in-process trainable named after the study when none was given.</summary>
    public string ToJson(bool indented = true)
    {
        var spec = new JsonObject { ["name"] = _name };
        if (_description is not null) spec["description"] = _description;
        spec["objective"] = _objective.DeepClone();
        spec["trainable"] = _trainable?.DeepClone()
                            ?? new JsonObject { ["type"] = Trainables.InProcess.InProcessTrainables.TypeName, ["name"] = _name };
        spec["space"] = _space.DeepClone();
        spec["optimizer"] = _optimizer.DeepClone();
        if (_scheduler is not null) spec["scheduler"] = _scheduler.DeepClone();
        spec["budget"] = _budget.DeepClone();
        return spec.ToJsonString(new JsonSerializerOptions { WriteIndented = indented });
    }

    /// <summary>Checks the spec as a node would (without its trainable's own fields).</summary>
    /// <exception cref="SpecException">The field at fault and what is wrong.</exception>
    public StudySpec Validate() => StudySpecParser.Parse(ToJson(indented: false));

    /// <summary>The objective's metric.</summary>
    internal string Metric => (string)_objective["metric"]!;

    /// <summary>True when no trainable was given: the study runs an in-process objective.</summary>
    internal bool IsInProcess => _trainable is null;

    private StudyBuilder Objective(string metric, string direction)
    {
        _objective = new JsonObject { ["metric"] = metric, ["direction"] = direction };
        return this;
    }

    private JsonObject Parameter(string name, string type)
    {
        var p = new JsonObject { ["name"] = name, ["type"] = type };
        _space.Add(p);
        return p;
    }

    private static JsonObject Settings(object? settings) => settings is null ? new JsonObject()
        : JsonSerializer.SerializeToNode(settings) as JsonObject
          ?? throw new ArgumentException("settings must serialize to a JSON object", nameof(settings));
}
