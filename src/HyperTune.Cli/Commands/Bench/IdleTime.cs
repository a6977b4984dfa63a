namespace HyperTune.Cli.Commands.Bench;

/// <summary>A study's idle slot time by cause (see <see cref="LifecycleTimeline.Idle"/>).</summary>
/// <param name="RampUp">Slots not yet used after the first start.</param>
/// <param name="Handover">Freed slots waiting for the next run, by the event that ended the freeing run.</param>
/// <param name="Tail">Freed slots no run took again before the last end.</param>
internal sealed record IdleTime(TimeSpan RampUp, IReadOnlyDictionary<string, TimeSpan> Handover, TimeSpan Tail)
{
    /// <summary>All idle slot time.</summary>
    public TimeSpan Total => RampUp + Tail + TimeSpan.FromTicks(Handover.Values.Sum(t => t.Ticks));
}
