namespace HyperTune.Cluster.Views;

/// <summary>The read model's store could not be read (missing, damaged or unreachable); the message names it.</summary>
public sealed class StoreUnreadableException(string message, Exception? inner = null) : IOException(message, inner);
