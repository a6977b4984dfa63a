namespace HyperTune.Cluster.Hosting;

/// <summary>
/// The latest <see cref="StorageStatus"/>, written by the node's <see cref="StorageProbe"/> and read by request
/// threads (the health and readiness endpoints) without asking an actor.
/// </summary>
public sealed class StorageHealth
{
    private volatile StorageStatus _current;

    /// <summary>Starts with <paramref name="initial"/>.</summary>
    public StorageHealth(StorageStatus initial) => _current = initial;

    /// <summary>The latest status.</summary>
    public StorageStatus Current => _current;

    /// <summary>Records a successful check.</summary>
    public void Answered(DateTimeOffset at) =>
        _current = _current with { Reachable = true, UnreachableSince = null, LastError = null, LastChecked = at };

    /// <summary>Records a failed check; the outage keeps the time it began.</summary>
    public void Failed(DateTimeOffset at, string error) =>
        _current = _current with
        {
            Reachable = false, UnreachableSince = _current.UnreachableSince ?? at, LastError = error, LastChecked = at,
        };
}
