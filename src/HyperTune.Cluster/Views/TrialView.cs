namespace HyperTune.Cluster.Views;

/// <summary>
/// One trial as the read model keeps it: its number, state and value as columns, and its JSON document (an entry of
/// the study document's <c>trialList</c>, plus <c>"intermediate": [{"step": S, "value": X}, ...]</c>).
/// </summary>
/// <param name="StudyId">The study id.</param>
/// <param name="Number">The trial number.</param>
/// <param name="State">complete, failed, pruned, paused, cancelled, running, queued or waiting.</param>
/// <param name="Value">The trial's value (final, or last intermediate for a pruned trial), if any.</param>
/// <param name="Version">The journal sequence number of the study when this trial's view was written.</param>
/// <param name="Document">The trial's JSON document.</param>
public sealed record TrialView(string StudyId, int Number, string State, double? Value, long Version, string Document);
