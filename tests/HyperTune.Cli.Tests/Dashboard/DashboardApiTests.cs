using System.Net;
using System.Text.Json.Nodes;
using HyperTune.Cli.Dashboard;
using HyperTune.Cluster.Views;

namespace HyperTune.Cli.Tests.Dashboard;

/// <summary>The dashboard's JSON routes and event stream over HTTP, on a server fed by in-memory views.</summary>
public sealed class DashboardApiTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Created = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly InMemoryStudyViews _views = new();
    private readonly SampleStudy _single =
        new("single-1", "branin loss", SampleStudyKind.SingleObjective, 100, Created);
    private readonly SampleStudy _multi =
        new("multi-1", "loss vs latency", SampleStudyKind.MultiObjective, 50, Created.AddHours(1));
    private DashboardServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        await _single.AddTrialsAsync(_views, 30);
        await _multi.AddTrialsAsync(_views, 20);
        _server = await DashboardServer.StartAsync(new DashboardSources(_views)
        {
            Importance = (id, _) => Task.FromResult<IReadOnlyList<(string, double)>?>(
                id == _single.Id ? [("lr", 0.25), ("x", 0.7), ("optimizer", 0.05)] : null),
            PollInterval = TimeSpan.FromMilliseconds(100),
        }, 0, CancellationToken.None);
        _http = new HttpClient { BaseAddress = _server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> GetAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    [Fact]
    public async Task The_list_gives_each_study_its_counts_best_and_times_newest_first()
    {
        var (status, body) = await GetAsync("/api/studies");

        Assert.Equal(HttpStatusCode.OK, status);
        var studies = body["studies"]!.AsArray();
        Assert.Equal(["multi-1", "single-1"], studies.Select(s => (string)s!["study"]!));
        var single = studies[1]!;
        Assert.Equal("branin loss", (string)single["name"]!);
        Assert.Equal("running", (string)single["status"]!);
        Assert.Equal(_single.Complete, (int)single["trials"]!["complete"]!);
        Assert.Equal(100, (int)single["maxTrials"]!);
        Assert.Equal(_single.Version, (long)single["version"]!);
        Assert.Equal(Created, DateTimeOffset.Parse((string)single["createdAt"]!));
        Assert.True(DateTimeOffset.Parse((string)single["updatedAt"]!) > Created);
        Assert.NotNull(single["best"]!["value"]);
        // A multi-objective study's best is its front.
        Assert.IsType<JsonArray>(studies[0]!["best"]);
        // The listing leaves out the trial list.
        Assert.Null(single["trialList"]);
    }

    [Fact]
    public async Task A_study_is_its_document_with_the_view_s_version_and_times()
    {
        var (status, body) = await GetAsync("/api/studies/multi-1");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("multi-1", (string)body["study"]!);
        Assert.Equal(_multi.Version, (long)body["version"]!);
        Assert.Equal(["loss", "latency_ms"], body["objectives"]!.AsArray().Select(o => (string)o!["name"]!));
        Assert.NotEmpty(body["best"]!.AsArray());
    }

    [Fact]
    public async Task Trials_come_all_at_first_then_only_those_written_after_the_version_given()
    {
        var (_, first) = await GetAsync("/api/studies/single-1/trials");
        Assert.Equal(30, first["trials"]!.AsArray().Count);
        var version = (long)first["version"]!;
        Assert.Equal(_single.Version, version);
        var trial = first["trials"]![0]!;
        Assert.Equal(0, (int)trial["number"]!);
        Assert.NotNull(trial["params"]!["lr"]);

        await _single.AddTrialsAsync(_views, 5);
        var (_, next) = await GetAsync($"/api/studies/single-1/trials?since={version}");

        Assert.Equal(Enumerable.Range(30, 5), next["trials"]!.AsArray().Select(t => (int)t!["number"]!));
        Assert.Equal(version + 1, (long)next["version"]!);
        // Learning curves come with the trials that have them.
        Assert.Contains(next["trials"]!.AsArray(), t => t!["intermediate"]!.AsArray().Count > 0);
        var (_, none) = await GetAsync($"/api/studies/single-1/trials?since={version + 1}");
        Assert.Empty(none["trials"]!.AsArray());
        Assert.Equal(version + 1, (long)none["version"]!);
    }

    [Theory]
    [InlineData("/api/studies/nope", 404, "no study 'nope'")]
    [InlineData("/api/studies/nope/trials", 404, "no study 'nope'")]
    [InlineData("/api/studies/nope/importance", 404, "no study 'nope'")]
    [InlineData("/api/studies/single-1/trials?since=abc", 400, "query parameter 'since'")]
    [InlineData("/api/studies/single-1/trials?since=-1", 400, "query parameter 'since'")]
    [InlineData("/api/nothing-here", 404, "no such route")]
    [InlineData("/dashboard/missing.js", 404, "no such page")]
    public async Task Errors_are_json_naming_the_problem(string path, int expected, string message)
    {
        var (status, body) = await GetAsync(path);

        Assert.Equal(expected, (int)status);
        Assert.Contains(message, (string)body["error"]!);
    }

    [Fact]
    public async Task Importance_is_given_largest_share_first_and_empty_when_not_computable()
    {
        var (status, body) = await GetAsync("/api/studies/single-1/importance");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["x", "lr", "optimizer"], body["importance"]!.AsArray().Select(r => (string)r!["name"]!));

        var (_, multi) = await GetAsync("/api/studies/multi-1/importance");
        Assert.Empty(multi["importance"]!.AsArray());
    }

    [Fact]
    public async Task Without_an_importance_source_or_a_cluster_the_server_says_so()
    {
        await using var bare =
            await DashboardServer.StartAsync(new DashboardSources(_views), 0, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = bare.BaseAddress };

        using var importance = await http.GetAsync("/api/studies/single-1/importance");
        Assert.Equal(HttpStatusCode.NotFound, importance.StatusCode);
        Assert.Contains("not computed", await importance.Content.ReadAsStringAsync());
        var cluster = JsonNode.Parse(await http.GetStringAsync("/api/cluster"))!;
        Assert.True((bool)cluster["local"]!);
    }

    [Fact]
    public async Task A_store_that_cannot_be_read_is_a_503_naming_it()
    {
        await using var broken = await DashboardServer.StartAsync(new DashboardSources(new UnreadableViews()), 0,
            CancellationToken.None);
        using var http = new HttpClient { BaseAddress = broken.BaseAddress };

        using var response = await http.GetAsync("/api/studies");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Contains("/data/broken.db", (string)body["error"]!);
    }

    [Fact]
    public async Task Pages_come_from_the_assembly_with_a_content_security_policy_and_revalidate()
    {
        using var index = await _http.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("text/html", index.Content.Headers.ContentType!.MediaType);
        Assert.Contains("js/pages/studies.js", await index.Content.ReadAsStringAsync());
        Assert.Contains("script-src 'self'", index.Headers.GetValues("Content-Security-Policy").Single());

        using var script = await _http.GetAsync("/dashboard/js/charts/core.js");
        Assert.Equal("text/javascript", script.Content.Headers.ContentType!.MediaType);
        using var again = new HttpRequestMessage(HttpMethod.Get, "/dashboard/js/charts/core.js");
        again.Headers.TryAddWithoutValidation("If-None-Match", script.Headers.ETag!.Tag);
        using var notModified = await _http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/dashboard")]
    public async Task The_root_and_the_bare_path_lead_to_the_studies_page(string path)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false })
        {
            BaseAddress = _server.BaseAddress,
        };

        using var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/dashboard/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public void Every_script_a_page_imports_is_embedded()
    {
        // A missing module would only show in a browser; here every relative import of every script resolves.
        var assets = DashboardAssets.Embedded;
        var scripts = assets.Paths.Where(p => p.EndsWith(".js", StringComparison.Ordinal)).ToList();
        Assert.Contains("js/pages/study.js", scripts);
        foreach (var script in scripts)
        {
            var text = System.Text.Encoding.UTF8.GetString(assets.Find(script)!.Content);
            foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(text,
                         @"from '(\.[^']+)'"))
            {
                var target = new Uri(new Uri("http://x/dashboard/" + script), m.Groups[1].Value)
                    .AbsolutePath["/dashboard/".Length..];
                Assert.True(assets.Find(target) is not null,
                    $"{script} imports {m.Groups[1].Value}, which is not embedded");
            }
        }
    }

    [Fact]
    public async Task The_host_must_be_a_loopback_name()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/studies");
        request.Headers.Host = "attacker.example";

        using var response = await _http.SendAsync(request);

        Assert.Equal(421, (int)response.StatusCode);
    }

    [Fact]
    public async Task The_event_stream_sends_every_study_then_each_change()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await _http.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));

        var initial = new[]
        {
            await NextStudyEventAsync(reader, cts.Token), await NextStudyEventAsync(reader, cts.Token),
        };
        Assert.Equal(["multi-1", "single-1"], initial.Select(e => (string)e["study"]!).Order());

        await _multi.AddTrialsAsync(_views, 3);
        var change = await NextStudyEventAsync(reader, cts.Token);

        Assert.Equal("multi-1", (string)change["study"]!);
        Assert.Equal(_multi.Version, (long)change["version"]!);
    }

    [Fact]
    public async Task A_study_s_event_stream_sends_only_that_study()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await _http.GetAsync("/api/studies/single-1/events",
            HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));

        Assert.Equal("single-1", (string)(await NextStudyEventAsync(reader, cts.Token))["study"]!);
        await _multi.AddTrialsAsync(_views, 1);
        await _single.AddTrialsAsync(_views, 1);

        var change = await NextStudyEventAsync(reader, cts.Token);
        Assert.Equal("single-1", (string)change["study"]!);
        Assert.Equal(_single.Version, (long)change["version"]!);
    }

    private static async Task<JsonNode> NextStudyEventAsync(StreamReader reader, CancellationToken ct)
    {
        string? eventName = null;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal)) eventName = line["event: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && eventName == "study")
                return JsonNode.Parse(line["data: ".Length..])!;
        }
        throw new EndOfStreamException("the event stream ended");
    }

    private sealed class UnreadableViews : IStudyViewReader
    {
        private static Exception Broken =>
            new StoreUnreadableException("cannot read /data/broken.db: file is not a database");

        public Task<IReadOnlyList<StudyView>> ListAsync(CancellationToken cancellationToken) => throw Broken;

        public Task<StudyView?> GetAsync(string studyId, CancellationToken cancellationToken) => throw Broken;

        public Task<IReadOnlyList<TrialView>> TrialsAsync(string studyId, long sinceVersion,
            CancellationToken cancellationToken) => throw Broken;

        public Task<IReadOnlyList<TrialView>> TrialRowsAsync(string studyId, CancellationToken cancellationToken) =>
            throw Broken;

        public Task<IReadOnlyList<TrialView>> TrialsAsync(string studyId, IReadOnlyCollection<int> numbers,
            CancellationToken cancellationToken) => throw Broken;
    }
}
