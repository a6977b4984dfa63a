using System.Net.Http.Headers;
using System.Text;

namespace HyperTune.Cli.Http;

/// <summary>Talks to a node's HTTP API (<c>--node HOST:PORT</c>).</summary>
internal sealed class NodeClient : IDisposable
{
    private readonly HttpClient _http;

    public NodeClient(string node)
    {
        var baseUri = node.Contains("://", StringComparison.Ordinal) ? node : $"http://{node}";
        _http = new HttpClient { BaseAddress = new Uri(baseUri.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(90) };
        Node = baseUri;
    }

    public string Node { get; }

    /// <summary>GETs a path; returns the status code and body.</summary>
    public Task<(int Status, string Body)> GetAsync(string path, CancellationToken ct) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ct);

    /// <summary>POSTs JSON to a path; returns the status code and body.</summary>
    public Task<(int Status, string Body)> PostAsync(string path, string? json, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
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

    public void Dispose() => _http.Dispose();
}

/// <summary>The node named by <c>--node</c> could not be reached.</summary>
internal sealed class NodeUnreachableException(string message) : Exception(message);
