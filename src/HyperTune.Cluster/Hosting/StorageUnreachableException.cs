namespace HyperTune.Cluster.Hosting;

/// <summary>
/// The database could not be reached (refused or timed out connection, server starting or shutting down): a
/// condition that may pass, unlike a wrong password or a missing database, so a starting node waits for it.
/// </summary>
public sealed class StorageUnreachableException(string message, Exception inner) : IOException(message, inner);
