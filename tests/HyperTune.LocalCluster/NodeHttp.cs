using System.Text;
using System.Text.Json.Nodes;

namespace HyperTune.LocalCluster;

/// <summary>Calls a node's HTTP API and waits for conditions, for tests and benchmarks.</summary>
public sealed class NodeHttp : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>A client that sends the key in <c>HYPERTUNE_API_KEY</c>, if set (as the CLI does).</summary>
    public NodeHttp()
        : this(Environment.GetEnvironmentVariable("HYPERTUNE_API_KEY") is { Length: > 0 } key ? key : null)
    {
    }

    /// <summary>A client that sends <paramref name="apiKey"/> as a bearer token with every request.</summary>
    public NodeHttp(string? apiKey)
    {
        if (apiKey is not null)
            _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
    }

    /// <summary>
    /// The last GET that got no document: when, which node and path, and the status and body or the error. A wait
    /// that times out with nothing seen is explained by it.
    /// </summary>
    public string? LastFailure { get; private set; }

    /// <summary>GET a JSON document; null on a connection error or a non-success status.</summary>
    public async Task<JsonNode?> TryGetAsync(string node, string path, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await _http.GetAsync($"http://{node}/{path}", cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode) return JsonNode.Parse(body);
            Failed(node, path, $"{(int)response.StatusCode} {body[..Math.Min(body.Length, 300)]}");
            return null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Failed(node, path, $"{e.GetType().Name}: {e.Message}");
            return null;
        }
    }

    private void Failed(string node, string path, string what) => LastFailure = $"[{DateTime.UtcNow:HH:mm:ss.fff}] GET {node}/{path}: {what}";

    /// <summary>Submits a spec; returns the study id. Throws with the node's message when refused.</summary>
    public async Task<string> SubmitAsync(string node, string specJson, CancellationToken cancellationToken = default)
    {
        using var response = await _http.PostAsync($"http://{node}/studies", new StringContent(specJson, Encoding.UTF8, "application/json"), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"submit to {node} failed ({(int)response.StatusCode}): {body}");
        return (string)JsonNode.Parse(body)!["study"]!;
    }

    /// <summary>Deletes a study; returns the status code and the node's answer.</summary>
    public async Task<(int Status, JsonNode? Body)> DeleteStudyAsync(string node, string studyId,
        CancellationToken cancellationToken = default)
    {
        using var response = await _http.DeleteAsync($"http://{node}/studies/{Uri.EscapeDataString(studyId)}",
            cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return ((int)response.StatusCode, body.Length > 0 ? JsonNode.Parse(body) : null);
    }

    /// <summary>A study's document with every trial, asking each node in turn until one answers.</summary>
    public async Task<JsonNode?> StudyAsync(IEnumerable<string> nodes, string studyId, bool trials, CancellationToken cancellationToken = default)
    {
        foreach (var node in nodes)
            if (await TryGetAsync(node, $"studies/{studyId}?trials={(trials ? "true" : "false")}", cancellationToken) is { } doc)
                return doc;
        return null;
    }

    /// <summary>Polls until <paramref name="condition"/> holds for a value from <paramref name="probe"/>; returns that value.</summary>
    public static async Task<T> WaitUntilAsync<T>(Func<Task<T?>> probe, Func<T, bool> condition, TimeSpan timeout, string what, TimeSpan? interval = null)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        T? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await probe() ?? last;
            if (last is not null && condition(last)) return last;
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(250));
        }
        throw new TimeoutException($"timed out after {timeout.TotalSeconds:0}s waiting for {what}; last seen: {(last as JsonNode)?.ToJsonString() ?? last?.ToString() ?? "nothing"}");
    }

    /// <summary>Waits until <paramref name="node"/> sees <paramref name="count"/> members, all Up and reachable.</summary>
    public Task<JsonNode> WaitForMembersUpAsync(string node, int count, TimeSpan timeout) =>
        WaitUntilAsync(() => TryGetAsync(node, "cluster"), doc =>
        {
            var members = doc["members"]!.AsArray();
            return members.Count == count && members.All(m => (string?)m!["status"] == "Up" && (bool)m["reachable"]!);
        }, timeout, $"{count} members Up as seen from {node}");

    /// <summary>Waits until a node's HTTP API answers /health with 200 (it is an Up member and serving).</summary>
    public Task<JsonNode> WaitForHealthyAsync(string node, TimeSpan timeout) =>
        WaitUntilAsync(() => TryGetAsync(node, "health"), _ => true, timeout, $"node {node} to be healthy");

    public void Dispose() => _http.Dispose();
}
