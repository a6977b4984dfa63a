namespace HyperTune.Cli.Http;

/// <summary>The outcome of checking a request's key against a node's <see cref="ApiKeyring"/>.</summary>
internal enum ApiAccess
{
    /// <summary>The request may go on.</summary>
    Allowed,

    /// <summary>No <c>Authorization: Bearer</c> header (401).</summary>
    MissingKey,

    /// <summary>A key the node does not know (401).</summary>
    WrongKey,

    /// <summary>A read-only key on a route that changes something (403).</summary>
    ReadOnlyKey,
}
