using HyperTune.Trainables;

namespace HyperTune.Client;

/// <summary>
/// Runs a C# delegate as a trainable on the embedded node: the delegate's return value is the objective metric's
/// final value; an exception fails the trial with its message; a trial stopped by a scheduler ends when the delegate
/// returns or throws <see cref="OperationCanceledException"/>.
/// </summary>
internal sealed class DelegateTrainable(Func<Trial, CancellationToken, Task<IReadOnlyDictionary<string, double>>> objective)
    : ITrainable
{
    public async Task<TrialOutcome> RunAsync(TrialContext context, CancellationToken cancellationToken)
    {
        var trial = new Trial(context, cancellationToken);
        try
        {
            // Off the worker's thread: user code may block.
            var metrics = await Task.Run(() => objective(trial, cancellationToken), cancellationToken);
            return TrialOutcome.Completed(metrics);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            return TrialOutcome.Failed($"the objective threw {e.GetType().Name}: {e.Message}");
        }
    }
}
