using HyperTune.Core.Spaces;
using HyperTune.Trainables;

namespace HyperTune.Client;

/// <summary>
/// One trial of an in-process objective: its configuration, a way to report intermediate values (so schedulers can
/// stop it early), and whether it should stop.
/// </summary>
public sealed class Trial
{
    private readonly TrialContext _context;

    internal Trial(TrialContext context, CancellationToken stop)
    {
        _context = context;
        Stopping = stop;
    }

    /// <summary>The trial's number in the study.</summary>
    public int Number => _context.TrialNumber;

    /// <summary>The configuration to evaluate.</summary>
    public Configuration Params => _context.Params;

    /// <summary>
    /// Signalled when the trial should stop: a scheduler pruned it, the study stopped, or the node shuts down.
    /// </summary>
    public CancellationToken Stopping { get; }

    /// <summary>True once the trial should stop; return (or throw <see cref="OperationCanceledException"/>) soon.</summary>
    public bool ShouldStop => Stopping.IsCancellationRequested;

    /// <summary>A float parameter's value.</summary>
    public double Float(string name) => Params.GetDouble(name);

    /// <summary>An integer parameter's value.</summary>
    public long Int(string name) => (long)Math.Round(Params.GetDouble(name));

    /// <summary>A categorical parameter's value.</summary>
    public T Categorical<T>(string name) => (T)Convert.ChangeType(Params[name], typeof(T), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Reports the objective's value at a training step (epoch, iteration), as Optuna's <c>trial.report</c>.</summary>
    public void Report(long step, double value) =>
        _context.Report(new TrialReport(step, new Dictionary<string, double> { [_context.Metric] = value }));

    /// <summary>Reports several metrics at a step (the objective's among them).</summary>
    public void Report(long step, IReadOnlyDictionary<string, double> metrics) => _context.Report(new TrialReport(step, metrics));
}
