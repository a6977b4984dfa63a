namespace HyperTune.Cli.Commands.Bench;

/// <summary>
/// One stretch of time a trial held a worker slot, as the study's journal records it: from the worker's execution
/// start of a dispatch to the event that ended that run (completed, pruned, paused, failed, requeued, cancelled).
/// </summary>
/// <param name="Number">The trial.</param>
/// <param name="Dispatch">The trial's dispatch that ran.</param>
/// <param name="Node">The worker node the dispatch went to.</param>
/// <param name="Start">When the worker began running it (<c>TrialExecutionStarted.At</c>).</param>
/// <param name="End">When the coordinator recorded its end (the ending event's <c>At</c>).</param>
/// <param name="EndedBy">
/// The ending event: completed, pruned, paused, failed, requeued, cancelled or superseded.
/// </param>
internal sealed record RunPiece(int Number, int Dispatch, string Node, DateTimeOffset Start, DateTimeOffset End,
    string EndedBy)
{
    /// <summary>How long the slot ran this piece.</summary>
    public TimeSpan Duration => End - Start;
}
