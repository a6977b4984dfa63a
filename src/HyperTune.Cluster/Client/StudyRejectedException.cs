namespace HyperTune.Cluster.Client;

/// <summary>A study coordinator refused a request; the message says why.</summary>
public sealed class StudyRejectedException(string reason) : Exception(reason);
