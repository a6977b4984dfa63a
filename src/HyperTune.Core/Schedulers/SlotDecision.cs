using System.Collections.Immutable;

namespace HyperTune.Core.Schedulers;

/// <summary>A scheduler's decision for a free worker slot.</summary>
/// <param name="Action">What the slot does.</param>
/// <param name="TrialNumber">The paused trial to resume (<see cref="SlotAction.Resume"/> only).</param>
/// <param name="StopAtStep">
/// The step at which the started or resumed trial pauses by itself (a rung milestone), or null to run to the end.
/// </param>
/// <param name="Reason">Why (shown to operators), for waits, resumes and Done.</param>
public sealed record SlotDecision(SlotAction Action, int? TrialNumber = null, long? StopAtStep = null, string? Reason = null)
{
    /// <summary>
    /// Attributes stored with a new trial (<see cref="SlotAction.StartNew"/>), beside the optimizer's: the
    /// scheduler's own bookkeeping, such as a Hyperband bracket, which it reads back from the history.
    /// </summary>
    public ImmutableDictionary<string, string> Attributes { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>
    /// Paused trials to stop for good (they become Pruned at their paused step): for example those a synchronous
    /// rung did not promote. Applied whatever <see cref="Action"/> is.
    /// </summary>
    public ImmutableArray<int> Prune { get; init; } = ImmutableArray<int>.Empty;

    /// <summary>
    /// With <see cref="SlotAction.Resume"/>: the resumed trial first takes another trial's checkpoint and a new
    /// configuration (population-based training's exploit and explore); null resumes it as it was.
    /// </summary>
    public ExploitDecision? Exploit { get; init; }

    /// <summary>Start a new trial, running to the end or pausing at <paramref name="stopAtStep"/>.</summary>
    public static SlotDecision StartNew(long? stopAtStep = null) => new(SlotAction.StartNew, null, stopAtStep);

    /// <summary>Resume paused trial <paramref name="number"/> up to <paramref name="stopAtStep"/> (null: the end).</summary>
    public static SlotDecision Resume(int number, long? stopAtStep, string reason) =>
        new(SlotAction.Resume, number, stopAtStep, reason);

    /// <summary>Wait for running trials to report.</summary>
    public static SlotDecision Wait(string reason) => new(SlotAction.Wait, Reason: reason);

    /// <summary>Nothing more to do.</summary>
    public static SlotDecision Done(string reason) => new(SlotAction.Done, Reason: reason);
}
