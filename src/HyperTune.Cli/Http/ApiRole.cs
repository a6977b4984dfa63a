namespace HyperTune.Cli.Http;

/// <summary>What an API key lets its holder do.</summary>
internal enum ApiRole
{
    /// <summary>No key, or a key the node does not know.</summary>
    None = 0,

    /// <summary>GET requests only: list and show studies, show the cluster.</summary>
    Read = 1,

    /// <summary>Everything, including submitting and stopping studies.</summary>
    Operate = 2,
}
