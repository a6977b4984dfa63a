namespace HyperTune.Client.Remote;

/// <summary>The node did not answer (refused connection, DNS, TLS, timeout); the message names it.</summary>
public sealed class NodeUnreachableException(string message, Exception inner) : Exception(message, inner);
