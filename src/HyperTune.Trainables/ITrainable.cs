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

    /// <summary>
    /// The steps of a full run (its last report is at this step) when the trainable knows them: a built-in function's
    /// <c>steps</c> or its learning curve's length, a process's declared <c>steps</c>; null when unknown. A report at
    /// this step is never judged by a scheduler (the result completes the trial), and the halving schedulers take
    /// it as their default <c>maxResource</c>.
    /// </summary>
    long? TotalSteps => null;

    /// <summary>
    /// True when <see cref="RunAsync"/> finishes at once, in microseconds, without waiting and without intermediate
    /// reports (a built-in function with no training time): the worker then runs it on its own thread instead of
    /// handing it to the thread pool and back, which for such a trial costs more than the trial.
    /// </summary>
    bool RunsInline => false;

    /// <summary>
    /// Units of work a trial splits into (cross-validation folds run in parallel): above 1, the coordinator runs each
    /// part as its own dispatch on any node's worker slot (<see cref="TrialContext.Part"/>), records each part's
    /// metrics as it finishes, and completes the trial with <see cref="PartResults.Aggregate"/> of them; a part
    /// whose node is lost runs again alone. 1 (the default): the trial is one unit.
    /// </summary>
    int Parts => 1;

    /// <summary>Runs the trial to its end (or to <see cref="TrialContext.StopAtStep"/>), or until cancelled.</summary>
    Task<TrialOutcome> RunAsync(TrialContext context, CancellationToken cancellationToken);
}
