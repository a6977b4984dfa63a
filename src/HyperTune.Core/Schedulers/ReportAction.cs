namespace HyperTune.Core.Schedulers;

/// <summary>What happens to a running trial after an intermediate report.</summary>
public enum ReportAction
{
    /// <summary>It goes on.</summary>
    Continue,

    /// <summary>It stops for good; its last reported value stands (state Pruned).</summary>
    Prune,

    /// <summary>It stops at this step with its checkpoint kept, and may be resumed later (state Paused).</summary>
    Pause,
}
