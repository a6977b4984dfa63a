namespace HyperTune.Client;

/// <summary>A trial handed out by <see cref="LocalStudy.AskAsync"/>: evaluate <see cref="Trial"/>, then tell its value.</summary>
public sealed class AskedTrial
{
    private readonly TaskCompletionSource<IReadOnlyDictionary<string, double>> _result =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal AskedTrial(Trial trial) => Trial = trial;

    /// <summary>The trial: its number and configuration.</summary>
    public Trial Trial { get; }

    internal Task<IReadOnlyDictionary<string, double>> Result => _result.Task;

    internal bool Complete(IReadOnlyDictionary<string, double> metrics) => _result.TrySetResult(metrics);

    internal bool Fail(Exception error) => _result.TrySetException(error);
}
