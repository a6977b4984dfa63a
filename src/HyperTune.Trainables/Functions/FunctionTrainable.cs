using HyperTune.Core.Specs;
using HyperTune.Core.Spaces;

namespace HyperTune.Trainables.Functions;

/// <summary>
/// Evaluates a built-in benchmark function (<see cref="BenchmarkFunctions"/>, or <c>mixed</c>), optionally taking a
/// simulated training time spread over <c>steps</c> intermediate reports. The intermediate value at step s of n is
/// <c>f + (|f| + 1) * ((n - s) / n)^2</c>: a learning curve that ends at the true value, so schedulers that compare
/// trials at equal steps see realistic, rank-preserving curves. The final report carries the study metric.
/// </summary>
public sealed class FunctionTrainable : ITrainable
{
    private readonly Func<IReadOnlyDictionary<string, object>, double> _function;
    private readonly TimeSpan _trainingTime;
    private readonly int _steps;

    /// <summary>
    /// Creates the trainable from its spec fields (<c>function</c>, <c>simulatedTrainingTime</c>, <c>steps</c>) and
    /// validates them against the space (unless <paramref name="space"/> is null: already validated).
    /// </summary>
    public FunctionTrainable(JsonSettings settings, SearchSpace? space)
    {
        var name = settings.RequireString("function");
        _trainingTime = settings.GetDuration("simulatedTrainingTime") ?? TimeSpan.Zero;
        _steps = settings.GetInt("steps", 1, 1, 1_000_000);
        settings.EnsureNoUnknownFields();
        _function = Resolve(name, settings.PathOf("function"), space);
    }

    /// <summary>The names a spec may give in <c>trainable.function</c>.</summary>
    public static IEnumerable<string> FunctionNames => BenchmarkFunctions.All.Keys.Append("mixed");

    /// <inheritdoc />
    public async Task<TrialOutcome> RunAsync(TrialContext context, CancellationToken cancellationToken)
    {
        var value = _function(context.Params);
        var perStep = _trainingTime / _steps;
        for (var s = 1; s <= _steps; s++)
        {
            if (perStep > TimeSpan.Zero) await Task.Delay(perStep, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (s < _steps)
            {
                var remaining = (double)(_steps - s) / _steps;
                var intermediate = value + (Math.Abs(value) + 1) * remaining * remaining;
                context.Report(new TrialReport(s, new Dictionary<string, double> { [context.Metric] = intermediate }));
            }
        }
        var metrics = new Dictionary<string, double> { [context.Metric] = value };
        if (_steps > 1) context.Report(new TrialReport(_steps, metrics));
        return TrialOutcome.Completed(metrics);
    }

    private static Func<IReadOnlyDictionary<string, object>, double> Resolve(
        string name, string path, SearchSpace? space)
    {
        if (string.Equals(name, "mixed", StringComparison.OrdinalIgnoreCase))
        {
            if (space is not null) RequireParameters(path, "mixed", space, new[] { "lr", "depth", "opt" });
            return MixedProblem.Evaluate;
        }
        var f = BenchmarkFunctions.Find(name)
                ?? throw new SpecException(path, $"unknown function '{name}'; known: {string.Join(", ", FunctionNames)}{JsonSettings.Suggest(name, FunctionNames)}");
        if (space is null) return f.Evaluate;
        if (f.FixedDimension is { } d)
        {
            RequireParameters(path, f.Name, space, f.ParameterNames(d));
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

    private static void RequireParameters(string path, string function, SearchSpace space, IEnumerable<string> names)
    {
        var missing = names.Where(n => !space.Contains(n)).ToArray();
        if (missing.Length > 0)
            throw new SpecException(path, $"function '{function}' needs parameter(s) {string.Join(", ", missing)} in the space");
        var notNumeric = names.Where(n => n != "opt" && space[n] is not NumericParameter).ToArray();
        if (notNumeric.Length > 0)
            throw new SpecException(path, $"function '{function}' needs numeric parameter(s) {string.Join(", ", notNumeric)}");
    }
}
