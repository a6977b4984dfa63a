namespace HyperTune.Cluster.Workers;

/// <summary>
/// A cluster node that runs trials, as coordinators see it: its key (address and incarnation), its slots, and
/// how many trials it last said were running there (across all studies; may lag a little).
/// </summary>
public sealed record WorkerNode(string NodeKey, int Slots, int Busy);
