using System.Security.Cryptography.X509Certificates;

namespace HyperTune.Cli.Http;

/// <summary>How a node serves its HTTP API.</summary>
/// <param name="Keys">The accepted API keys; empty leaves the API open (refused off loopback).</param>
/// <param name="Certificate">Serve HTTPS with this certificate; null serves plain HTTP.</param>
/// <param name="MaxRequestBytes">Larger request bodies get 413 before they are read.</param>
internal sealed record NodeHttpOptions(ApiKeyring Keys, X509Certificate2? Certificate, long MaxRequestBytes)
{
    /// <summary>Open, plain HTTP, 1 MiB bodies: a loopback API as before keys existed (tests).</summary>
    public static NodeHttpOptions Open { get; } = new(ApiKeyring.Empty, null, 1 << 20);

    /// <summary>The URL scheme: https with a certificate, http without.</summary>
    public string Scheme => Certificate is null ? "http" : "https";
}
