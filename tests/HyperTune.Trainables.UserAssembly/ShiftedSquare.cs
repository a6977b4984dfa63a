using System.Text.Json;
using HyperTune.Trainables;

namespace UserCode;

/// <summary>(x - shift)², with <c>shift</c> from the spec's settings; reports it at steps 1..3.</summary>
public sealed class ShiftedSquare : ITrainable
{
    private readonly double _shift;

    public ShiftedSquare(JsonElement settings) =>
        _shift = settings.TryGetProperty("shift", out var s) ? s.GetDouble()
            : throw new ArgumentException("settings.shift is required");

    public async Task<TrialOutcome> RunAsync(TrialContext context, CancellationToken cancellationToken)
    {
        var value = Math.Pow(context.Params.GetDouble("x") - _shift, 2);
        for (var step = 1; step <= 3; step++)
        {
            await Task.Yield();
            context.Report(new TrialReport(step, new Dictionary<string, double> { [context.Metric] = value }));
        }
        return TrialOutcome.Completed(new Dictionary<string, double> { [context.Metric] = value });
    }
}

/// <summary>Not a trainable: the loader refuses it by name.</summary>
public sealed class NotATrainable
{
}
