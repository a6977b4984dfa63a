namespace HyperTune.Cluster.Hosting;

/// <summary>
/// What this node last learned about its journal: whether it answered, since when it has not, and why.
/// <see cref="Used"/> is false on nodes that store nothing (worker-only nodes).
/// </summary>
public sealed record StorageStatus(
    bool Used,
    bool Reachable,
    DateTimeOffset? UnreachableSince,
    string? LastError,
    DateTimeOffset? LastChecked)
{
    /// <summary>The status of a node that does not use the storage.</summary>
    public static readonly StorageStatus NotUsed = new(false, true, null, null, null);

    /// <summary>The status before the first check.</summary>
    public static readonly StorageStatus Unchecked = new(true, false, null, "not checked yet", null);

    /// <summary>For people: "reachable", "unreachable since ... (reason)", or "not used by this node".</summary>
    public string Describe() =>
        !Used ? "not used by this node"
        : Reachable ? "reachable"
        : UnreachableSince is { } since ? $"unreachable since {since.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'} ({LastError})"
        : $"unreachable ({LastError})";
}
