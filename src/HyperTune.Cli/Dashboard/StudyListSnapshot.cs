using HyperTune.Cluster.Views;

namespace HyperTune.Cli.Dashboard;

/// <summary>One read of the study list by <see cref="StudyChangeFeed"/>: the views, or why the store could not be
/// read.</summary>
/// <param name="Studies">Every study's view; null when the read failed.</param>
/// <param name="Error">Why the read failed; null when it did not.</param>
internal sealed record StudyListSnapshot(IReadOnlyList<StudyView>? Studies, string? Error);
