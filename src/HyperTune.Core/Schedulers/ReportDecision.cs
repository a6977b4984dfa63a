namespace HyperTune.Core.Schedulers;

/// <summary>A scheduler's decision on an intermediate report, with the reason shown to operators.</summary>
public sealed record ReportDecision(ReportAction Action, string? Reason = null)
{
    /// <summary>The trial goes on.</summary>
    public static ReportDecision Continue { get; } = new(ReportAction.Continue);

    /// <summary>The trial stops for good.</summary>
    public static ReportDecision Prune(string reason) => new(ReportAction.Prune, reason);

    /// <summary>The trial pauses with its checkpoint kept.</summary>
    public static ReportDecision Pause(string reason) => new(ReportAction.Pause, reason);
}
