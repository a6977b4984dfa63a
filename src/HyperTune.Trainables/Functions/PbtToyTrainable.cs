using System.Globalization;
using System.Text.Json;
using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;

namespace HyperTune.Trainables.Functions;

/// <summary>
/// Trains <see cref="PbtToyProblem"/> for <c>steps</c> steps (default 200) with hyperparameters <c>h0</c> and
/// <c>h1</c>, reporting Q after each. Unlike the other built-in functions its state (θ) is real: it is saved in the
/// trial's checkpoint directory at every step before the step is reported, and a resumed run (after a pause, a lost
/// node, or from another member's checkpoint under population-based training) continues from it.
/// </summary>
public sealed class PbtToyTrainable : ITrainable
{
    private readonly int _steps;
    private readonly TimeSpan _trainingTime;

    /// <summary>Reads <c>steps</c> and <c>simulatedTrainingTime</c>; checks the space has numeric h0 and h1.</summary>
    /// <exception cref="SpecException">A bad field, or the space lacks the hyperparameters.</exception>
    public PbtToyTrainable(JsonSettings settings, SearchSpace? space)
    {
        settings.RequireString("function");
        _steps = settings.GetInt("steps", 200, 1, 1_000_000);
        _trainingTime = settings.GetDuration("simulatedTrainingTime") ?? TimeSpan.Zero;
        settings.EnsureNoUnknownFields();
        if (space is null) return;
        var missing = PbtToyProblem.HyperparameterNames
            .Where(n => !space.Contains(n) || space[n] is not NumericParameter);
        if (missing.Any())
            throw new SpecException(settings.PathOf("function"),
                $"function '{PbtToyProblem.Name}' needs numeric parameter(s) {string.Join(", ", missing)} " +
                "in the space");
    }

    /// <inheritdoc />
    public bool CanResume => true;

    /// <inheritdoc />
    public long? TotalSteps => _steps;

    /// <inheritdoc />
    public async Task<TrialOutcome> RunAsync(TrialContext context, CancellationToken cancellationToken)
    {
        var directory = context.CheckpointDirectory
                        ?? throw new InvalidOperationException($"'{PbtToyProblem.Name}' needs a checkpoint directory");
        Directory.CreateDirectory(directory);
        double[] theta;
        if (context.ResumeStep == 0) theta = [.. PbtToyProblem.InitialTheta];
        else if (Load(directory, context.ResumeStep) is { } saved) theta = saved;
        else return TrialOutcome.Failed($"no checkpoint for step {context.ResumeStep} in {directory}");
        var h0 = context.Params.GetDouble("h0");
        var h1 = context.Params.GetDouble("h1");
        var perStep = _trainingTime / _steps;
        var last = Math.Min(_steps, context.StopAtStep ?? _steps);
        for (var step = context.ResumeStep + 1; step <= last; step++)
        {
            if (perStep > TimeSpan.Zero) await Task.Delay(perStep, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            theta = PbtToyProblem.Step(theta, h0, h1);
            Save(directory, step, theta);
            context.Report(new TrialReport(step, Metrics(context.Metric, theta)));
        }
        return last < _steps
            ? TrialOutcome.Paused(last, Metrics(context.Metric, theta))
            : TrialOutcome.Completed(Metrics(context.Metric, theta));
    }

    private static Dictionary<string, double> Metrics(string metric, double[] theta) => new()
    {
        [metric] = PbtToyProblem.Objective(theta),
        ["theta0"] = theta[0],
        ["theta1"] = theta[1],
    };

    private static string FileOf(string directory, long step) =>
        Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"theta-{step}.json"));

    // Each step's state in its own file, the one before kept too: a run stopped between saving a step and
    // reporting it resumes from the step that was recorded.
    private static void Save(string directory, long step, double[] theta)
    {
        var file = FileOf(directory, step);
        var temporary = file + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(theta));
        File.Move(temporary, file, overwrite: true);
        var stale = FileOf(directory, step - 2);
        if (File.Exists(stale)) File.Delete(stale);
    }

    private static double[]? Load(string directory, long step)
    {
        var file = FileOf(directory, step);
        if (!File.Exists(file)) return null;
        var theta = JsonSerializer.Deserialize<double[]>(File.ReadAllText(file));
        return theta is { Length: 2 } ? theta : null;
    }
}
