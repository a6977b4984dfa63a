namespace HyperTune.Cluster.Studies;

/// <summary>
/// Where an unfinished trial that runs in parts stands (<c>"parts"</c> in its study document): how many parts it
/// has, how many are done, and the nodes of those running.
/// </summary>
/// <param name="Count">The trial's parts (its folds).</param>
/// <param name="Done">Parts with their metrics.</param>
/// <param name="Nodes">The node of each running part.</param>
public sealed record TrialPartsProgress(int Count, int Done, IReadOnlyList<string> Nodes)
{
    /// <summary>The progress of a state's trial in parts.</summary>
    public static TrialPartsProgress Of(IReadOnlyList<TrialPart> parts) =>
        new(parts.Count, parts.Count(p => p.IsDone), parts.Where(p => p.IsRunning).Select(p => p.NodeKey!).ToList());
}
