namespace HyperTune.Trainables;

/// <summary>
/// Evaluates one trial: trains/evaluates with the trial's configuration, reports intermediate metrics through
/// <see cref="TrialContext.Report"/>, and returns the final metrics. Cancellation (pruning, timeout, shutdown)
/// comes through the token and must stop the work promptly, killing any process it started.
/// </summary>
public interface ITrainable
{
    /// <summary>
    /// True when a stopped run can continue later from its checkpoint at <see cref="TrialContext.ResumeStep"/>:
    /// schedulers that pause trials need it.
    /// </summary>
    bool CanResume => false;

    /// <summary>Runs the trial to its end (or to <see cref="TrialContext.StopAtStep"/>), or until cancelled.</summary>
    Task<TrialOutcome> RunAsync(TrialContext context, CancellationToken cancellationToken);
}
