using System.Net;
using System.Net.Http.Headers;
using HyperTune.Cli.Http;
using HyperTune.Cluster.Views;

namespace HyperTune.Cli.Tests.Dashboard;

/// <summary>
/// The dashboard mounted on a node's HTTP API with API keys: its static pages load without a key (a browser cannot
/// send one for a page), every /api/ route and every other route still needs one.
/// </summary>
public sealed class NodeDashboardTests : IAsyncLifetime, IDisposable
{
    private const string OperateKey = "operate-key-0123456789";
    private const string ReadKey = "read-key-0123456789abc";
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-node-dashboard-").FullName;
    private readonly InMemoryStudyViews _views = new();
    private NodeHttpServer _withDashboard = null!;
    private NodeHttpServer _without = null!;
    private HttpClient _dashboard = null!;
    private HttpClient _plain = null!;

    public async Task InitializeAsync()
    {
        await new SampleStudy("s-1", "sample", SampleStudyKind.SingleObjective, 20, DateTimeOffset.UnixEpoch)
            .AddTrialsAsync(_views, 5);
        var keyFile = Path.Combine(_dir, "keys");
        File.WriteAllText(keyFile, $"read:{ReadKey}\n");
        var options = NodeHttpOptions.Open with { Keys = ApiKeyring.Load(OperateKey, keyFile) };
        var (port1, port2) = (LoopbackPort.Free(), LoopbackPort.Free());
        _withDashboard = await NodeHttpServer.StartAsync("127.0.0.1", port1, options, _views, CancellationToken.None);
        _without = await NodeHttpServer.StartAsync("127.0.0.1", port2, options, null, CancellationToken.None);
        _dashboard = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port1}") };
        _plain = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port2}") };
    }

    public async Task DisposeAsync()
    {
        _dashboard.Dispose();
        _plain.Dispose();
        await _withDashboard.DisposeAsync();
        await _without.DisposeAsync();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string path, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return response.StatusCode;
    }

    [Theory]
    [InlineData("/dashboard/")]
    [InlineData("/dashboard/study.html")]
    [InlineData("/dashboard/js/charts/core.js")]
    [InlineData("/dashboard/css/dashboard.css")]
    public async Task The_static_pages_load_without_a_key(string path) =>
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(_dashboard, path));

    [Theory]
    [InlineData("/api/studies")]
    [InlineData("/api/studies/s-1")]
    [InlineData("/api/studies/s-1/trials")]
    [InlineData("/api/events")]
    [InlineData("/api/cluster")]
    [InlineData("/dashboard/not-a-page.js")]
    [InlineData("/studies")]
    [InlineData("/cluster")]
    public async Task Data_and_everything_else_need_a_key(string path) =>
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(_dashboard, path));

    [Fact]
    public async Task A_read_key_reads_the_dashboard_s_data()
    {
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(_dashboard, "/api/studies", ReadKey));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(_dashboard, "/api/studies/s-1/trials?since=0", ReadKey));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(_dashboard, "/api/events", ReadKey));
        Assert.Equal(HttpStatusCode.Unauthorized,
            await StatusAsync(_dashboard, "/api/studies", "wrong-key-0123456789"));
        // The node has not joined a cluster in this test: its cluster state is not there yet.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await StatusAsync(_dashboard, "/api/cluster", ReadKey));
    }

    [Fact]
    public async Task A_node_without_a_read_model_serves_no_dashboard_and_opens_nothing()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(_plain, "/dashboard/"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(_plain, "/dashboard/", ReadKey));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(_plain, "/api/studies", ReadKey));
    }
}
