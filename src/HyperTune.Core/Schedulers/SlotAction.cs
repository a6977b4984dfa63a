namespace HyperTune.Core.Schedulers;

/// <summary>What a free worker slot does.</summary>
public enum SlotAction
{
    /// <summary>Start a new trial; the optimizer chooses its configuration.</summary>
    StartNew,

    /// <summary>Resume a paused trial from its checkpoint.</summary>
    Resume,

    /// <summary>Nothing until a running trial reports (a synchronous barrier).</summary>
    Wait,

    /// <summary>Nothing more, ever: the scheduler's brackets are done.</summary>
    Done,
}
