using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace HyperTune.Cli.Http;

/// <summary>
/// Talks to a node's HTTP API (<c>--node HOST:PORT</c> or <c>https://HOST:PORT</c>). Sends the key in
/// <c>HYPERTUNE_API_KEY</c> as a bearer token; trusts the certificate (or CA) in <c>HYPERTUNE_CA_CERT</c> besides
/// the system's, so a cluster's self-signed certificate works without turning validation off.
/// </summary>
internal sealed class NodeClient : IDisposable
{
    /// <summary>The environment variable naming a PEM or DER certificate (or CA) to trust for https nodes.</summary>
    public const string CaCertificateVariable = "HYPERTUNE_CA_CERT";

    private readonly HttpClient _http;

    /// <exception cref="NodeUnreachableException">The trusted certificate file cannot be read.</exception>
    public NodeClient(string node)
    {
        var baseUri = node.Contains("://", StringComparison.Ordinal) ? node : $"http://{node}";
        var handler = new HttpClientHandler();
        if (Environment.GetEnvironmentVariable(CaCertificateVariable) is { Length: > 0 } caFile)
        {
            var trusted = LoadTrusted(caFile);
            handler.ServerCertificateCustomValidationCallback = (_, certificate, _, errors) => IsTrusted(certificate, errors, trusted);
        }
        _http = new HttpClient(handler) { BaseAddress = new Uri(baseUri.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(90) };
        if (Environment.GetEnvironmentVariable(ApiKeyring.EnvironmentVariable) is { Length: > 0 } key)
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Trim());
        Node = baseUri;
    }

    public string Node { get; }

    /// <summary>GETs a path; returns the status code and body.</summary>
    public Task<(int Status, string Body)> GetAsync(string path, CancellationToken ct) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ct);

    /// <summary>DELETEs a path; returns the status code and body.</summary>
    public Task<(int Status, string Body)> DeleteAsync(string path, CancellationToken ct) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Delete, path), ct);

    /// <summary>POSTs JSON to a path; returns the status code and body.</summary>
    public Task<(int Status, string Body)> PostAsync(string path, string? json, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
            // A body over the node's cap (hypertune.api.max-request-bytes) is then refused with its 413 and reason
            // before it is sent, instead of the node closing the connection while a large spec is still uploading.
            request.Headers.ExpectContinue = true;
        }
        return SendAsync(request, ct);
    }

    private async Task<(int, string)> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        try
        {
            using var response = await _http.SendAsync(request, ct);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        }
        catch (HttpRequestException e)
        {
            throw new NodeUnreachableException($"cannot reach the node at {Node}: {e.GetBaseException().Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new NodeUnreachableException($"the node at {Node} did not answer within {_http.Timeout.TotalSeconds:0}s");
        }
    }

    private static X509Certificate2Collection LoadTrusted(string file)
    {
        try
        {
            var collection = new X509Certificate2Collection();
            if (File.ReadAllText(file).Contains("-----BEGIN", StringComparison.Ordinal)) collection.ImportFromPemFile(file);
            else collection.Add(X509CertificateLoader.LoadCertificateFromFile(file));
            if (collection.Count == 0) throw new CryptographicException("no certificate in the file");
            return collection;
        }
        catch (Exception e) when (e is IOException or CryptographicException or UnauthorizedAccessException)
        {
            throw new NodeUnreachableException($"{CaCertificateVariable}: cannot read a certificate from '{file}': {e.Message}");
        }
    }

    // The node's certificate must chain to one of the trusted certificates (a self-signed certificate trusts itself)
    // and name the host the client connected to.
    private static bool IsTrusted(X509Certificate2? certificate, SslPolicyErrors errors, X509Certificate2Collection trusted)
    {
        if (errors == SslPolicyErrors.None) return true;
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>The node named by <c>--node</c> could not be reached.</summary>
internal sealed class NodeUnreachableException(string message) : Exception(message);
