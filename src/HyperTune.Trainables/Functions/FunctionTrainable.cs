using HyperTune.Core.Specs;
using HyperTune.Core.Spaces;

namespace HyperTune.Trainables.Functions;

/// <summary>
/// Evaluates a built-in benchmark function (<see cref="BenchmarkFunctions"/>, or <c>mixed</c>), optionally taking a
/// simulated training time spread over <c>steps</c> intermediate reports. The intermediate value at step s of n is
/// <c>f + (|f| + 1) * ((n - s) / n)^2</c>: a learning curve that ends at the true value, so schedulers that compare
/// trials at equal steps see realistic, rank-preserving curves. A multi-fidelity problem
/// (<see cref="FidelityProblems"/>) reports its own curve at every step instead (<c>steps</c> defaulting to the
/// problem's). The final report carries the study metric. Runs resume at <see cref="TrialContext.ResumeStep"/> + 1
/// (the curve is a function of the step, so nothing needs a checkpoint) and pause after
/// <see cref="TrialContext.StopAtStep"/>.
/// </summary>
public sealed class FunctionTrainable : ITrainable
{
    private readonly Func<IReadOnlyDictionary<string, object>, long, double> _curve;
    private readonly TimeSpan _trainingTime;
    private readonly int _steps;
    private readonly MultiObjectiveProblem? _objectives;
    private readonly bool _constrained;

    /// <summary>
    /// Creates the trainable from its spec fields (<c>function</c>, <c>simulatedTrainingTime</c>, <c>steps</c>) and
    /// validates them against the space (unless <paramref name="space"/> is null: already validated).
    /// </summary>
    public FunctionTrainable(JsonSettings settings, SearchSpace? space)
        : this(settings, space, FidelityProblems.Find)
    {
    }

    /// <summary>
    /// As the other constructor, looking multi-fidelity problems up with <paramref name="findProblem"/> (tests give
    /// their own problems).
    /// </summary>
    public FunctionTrainable(JsonSettings settings, SearchSpace? space, Func<string, FidelityProblem?> findProblem)
    {
        var name = settings.RequireString("function");
        _trainingTime = settings.GetDuration("simulatedTrainingTime") ?? TimeSpan.Zero;
        var problem = findProblem(name);
        _steps = settings.GetInt("steps", problem?.Steps ?? 1, 1, 1_000_000);
        settings.EnsureNoUnknownFields();
        if (problem is not null)
        {
            if (space is not null)
                RequireParameters(settings.PathOf("function"), problem.Name, space,
                    problem.Space.Parameters.Select(p => p.Name), numeric: false);
            var steps = _steps;
            // The objective is the curve at the problem's last step, whatever number of steps the spec gives.
            _curve = (config, step) => problem.Curve(config, step == steps ? problem.Steps : step);
            return;
        }
        var n = _steps;
        if (MultiObjectiveProblems.Find(name) is { } multi)
        {
            if (space is not null)
                RequireParameters(settings.PathOf("function"), multi.Name, space, multi.Space.Parameters.Select(p => p.Name), numeric: true);
            _objectives = multi;
            _curve = (_, _) => double.NaN;
            return;
        }
        if (string.Equals(name, ConstrainedBraninProblem.Name, StringComparison.OrdinalIgnoreCase))
        {
            if (space is not null) RequireParameters(settings.PathOf("function"), ConstrainedBraninProblem.Name, space, new[] { "x", "y" }, numeric: true);
            _constrained = true;
        }
        var function = _constrained
            ? c => ConstrainedBraninProblem.Evaluate(c).Value
            : Resolve(name, settings.PathOf("function"), space);
        _curve = (config, step) => LearningCurve(function(config), step, n);
    }

    // Ends at the true value; earlier steps are worse by a margin that shrinks quadratically.
    private static double LearningCurve(double value, long step, int steps)
    {
        if (step >= steps) return value;
        var remaining = (double)(steps - step) / steps;
        return value + (Math.Abs(value) + 1) * remaining * remaining;
    }

    private Dictionary<string, double> MetricsAt(TrialContext context, long step)
    {
        if (_constrained)
            return new Dictionary<string, double>
            {
                [context.Metric] = _curve(context.Params, step),
                [ConstrainedBraninProblem.ConstraintMetric] = ConstrainedBraninProblem.Evaluate(context.Params).Disk,
            };
        if (_objectives is null) return new Dictionary<string, double> { [context.Metric] = _curve(context.Params, step) };
        return _objectives.Metrics(context.Params).ToDictionary(m => m.Key, m => LearningCurve(m.Value, step, _steps));
    }

    /// <summary>The names a spec may give in <c>trainable.function</c>.</summary>
    public static IEnumerable<string> FunctionNames =>
        BenchmarkFunctions.All.Keys.Append("mixed").Append(ConditionalPipelineProblem.Name).Append(PbtToyProblem.Name)
            .Append(ConstrainedBraninProblem.Name).Concat(FidelityProblems.All.Select(p => p.Name)).Concat(MultiObjectiveProblems.All.Select(p => p.Name));

    /// <inheritdoc />
    public bool CanResume => true;

    /// <inheritdoc />
    /// <remarks>
    /// <c>steps</c>, or the learning curve's own length (27 for the fidelity problems); null for a one-step function,
    /// which reports nothing before its result (no schedule to make of it).
    /// </remarks>
    public long? TotalSteps => _steps > 1 ? _steps : null;

    /// <inheritdoc />
    public bool RunsInline => _trainingTime == TimeSpan.Zero && _steps == 1;

    /// <inheritdoc />
    public async Task<TrialOutcome> RunAsync(TrialContext context, CancellationToken cancellationToken)
    {
        var perStep = _trainingTime / _steps;
        var last = Math.Min(_steps, context.StopAtStep ?? _steps);
        IReadOnlyDictionary<string, double>? reported = null;
        for (var s = context.ResumeStep + 1; s <= last; s++)
        {
            if (perStep > TimeSpan.Zero) await Task.Delay(perStep, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            var metrics = MetricsAt(context, s);
            // A one-step function has no intermediate reports, only its result (as before trials could pause).
            if (_steps > 1) context.Report(new TrialReport(s, metrics));
            reported = metrics;
        }
        if (last < _steps)
            return TrialOutcome.Paused(last, reported ?? new Dictionary<string, double>());
        return TrialOutcome.Completed(MetricsAt(context, _steps));
    }

    private static Func<IReadOnlyDictionary<string, object>, double> Resolve(
        string name, string path, SearchSpace? space)
    {
        if (string.Equals(name, "mixed", StringComparison.OrdinalIgnoreCase))
        {
            if (space is not null)
                RequireParameters(path, "mixed", space, new[] { "lr", "depth", "opt" }, numeric: true);
            return MixedProblem.Evaluate;
        }
        if (string.Equals(name, ConditionalPipelineProblem.Name, StringComparison.OrdinalIgnoreCase))
        {
            // The branches' parameters exist only under their model, so a spec must give the whole hierarchy.
            if (space is not null)
                RequireParameters(path, ConditionalPipelineProblem.Name, space,
                    ConditionalPipelineProblem.Space.Parameters.Select(p => p.Name), numeric: false);
            return ConditionalPipelineProblem.Evaluate;
        }
        var f = BenchmarkFunctions.Find(name)
                ?? throw new SpecException(path, $"unknown function '{name}'; known: {string.Join(", ", FunctionNames)}{JsonSettings.Suggest(name, FunctionNames)}");
        if (space is null) return f.Evaluate;
        if (f.FixedDimension is { } d)
        {
            RequireParameters(path, f.Name, space, f.ParameterNames(d), numeric: true);
        }
        else
        {
            var n = 0;
            while (space.Contains($"x{n}")) n++;
            var min = f.Name == "rosenbrock" ? 2 : 1;
            if (n < min) throw new SpecException(path, $"function '{f.Name}' needs parameters x0, x1, ... (at least {min}) in the space");
        }
        return f.Evaluate;
    }

    private static void RequireParameters(string path, string function, SearchSpace space, IEnumerable<string> names,
        bool numeric)
    {
        var missing = names.Where(n => !space.Contains(n)).ToArray();
        if (missing.Length > 0)
            throw new SpecException(path, $"function '{function}' needs parameter(s) {string.Join(", ", missing)} in the space");
        if (!numeric) return;
        var notNumeric = names.Where(n => n != "opt" && space[n] is not NumericParameter).ToArray();
        if (notNumeric.Length > 0)
            throw new SpecException(path, $"function '{function}' needs numeric parameter(s) {string.Join(", ", notNumeric)}");
    }
}
