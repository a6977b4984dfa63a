using System.CommandLine;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HyperTune.Cli.Commands;
using HyperTune.Cluster.Hosting;
using HyperTune.Cluster.Views;

namespace HyperTune.Cli.Tests.Dashboard;

/// <summary>
/// <c>hypertune dashboard</c> in-process, with the read model given by a factory as the real one will be: it serves
/// until interrupted (130), refuses bad usage with 2 without creating anything, and says when it cannot read a store.
/// </summary>
public sealed class DashboardCommandTests : IAsyncLifetime, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-dashboard-").FullName;
    private readonly InMemoryStudyViews _views = new();
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    public async Task InitializeAsync()
    {
        var study = new SampleStudy("s-1", "sample", SampleStudyKind.SingleObjective, 50, DateTimeOffset.UnixEpoch);
        await study.AddTrialsAsync(_views, 10);
        // The command checks the file is there before it asks the factory (which here does not read it).
        File.WriteAllBytes(Store, []);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Store => Path.Combine(_dir, "store.db");

    private Task<int> InvokeAsync(Func<StorageSpec, IStudyViewReader?> openReader, CancellationToken ct,
        params string[] args)
    {
        var root = new RootCommand { DashboardCommand.Create(openReader) };
        var configuration = new InvocationConfiguration
        {
            Output = TextWriter.Synchronized(_output),
            Error = TextWriter.Synchronized(_error),
            ProcessTerminationTimeout = null,
        };
        return root.Parse(["dashboard", .. args]).InvokeAsync(configuration, ct);
    }

    [Fact]
    public async Task It_serves_the_store_s_views_on_loopback_until_interrupted()
    {
        StorageSpec? opened = null;
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var run = InvokeAsync(storage =>
        {
            opened = storage;
            return _views;
        }, cts.Token, "--storage", $"sqlite:{Store}", "--port", "0");

        var url = await UrlAsync(run);
        Assert.Equal("127.0.0.1", url.Host);
        Assert.Equal(StorageKind.Sqlite, opened!.Kind);
        Assert.Contains(Store, _output.ToString());
        using (var http = new HttpClient())
        {
            var list = JsonNode.Parse(await http.GetStringAsync(new Uri(url, "/api/studies")))!;
            var studies = list["studies"]!.AsArray();
            Assert.Equal("s-1", (string)studies.Single()!["study"]!);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(url)).StatusCode);
        }

        await cts.CancelAsync();

        Assert.Equal(ExitCodes.Interrupted, await run.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [InlineData("memory", null, "in-memory store")]
    [InlineData("nosuchkind:x", null, "--storage")]
    [InlineData("sqlite:{dir}/missing/none.db", null, "no store at")]
    [InlineData("sqlite:{store}", "70000", "--port: '70000' is not a port")]
    [InlineData("sqlite:{store}", "abc", "--port: 'abc' is not a port")]
    [InlineData("sqlite:{store}", "-1", "--port: '-1' is not a port")]
    public async Task Bad_usage_exits_2_naming_the_option_and_creates_nothing(string storage, string? port,
        string message)
    {
        var opened = false;
        var args = new List<string> { "--storage", storage.Replace("{dir}", _dir).Replace("{store}", Store) };
        if (port is not null) args.AddRange(["--port", port]);

        var code = await InvokeAsync(_ =>
        {
            opened = true;
            return _views;
        }, CancellationToken.None, [.. args]);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(message, _error.ToString());
        Assert.False(opened);
        Assert.False(Directory.Exists(Path.Combine(_dir, "missing")));
    }

    [Fact]
    public async Task A_store_whose_views_this_build_cannot_read_exits_1_naming_it()
    {
        var code = await InvokeAsync(_ => null, CancellationToken.None, "--storage", $"sqlite:{Store}", "--port", "0");

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains($"sqlite:{Store}", _error.ToString());
    }

    [Fact]
    public async Task An_unreadable_store_exits_1_with_the_reader_s_message()
    {
        var code = await InvokeAsync(_ => throw new StoreUnreadableException($"{Store} is not a database"),
            CancellationToken.None, "--storage", $"sqlite:{Store}");

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains($"error: {Store} is not a database", _error.ToString());
    }

    [Fact]
    public async Task A_port_in_use_exits_2_naming_it()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var code = await InvokeAsync(_ => _views, CancellationToken.None, "--storage", $"sqlite:{Store}", "--port",
            port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"127.0.0.1:{port}", _error.ToString());
    }

    private async Task<Uri> UrlAsync(Task<int> run)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (run.IsCompleted) Assert.Fail($"the command ended with {await run}: {_error}");
            var match = Regex.Match(_output.ToString(), @"http://127\.0\.0\.1:\d+/dashboard/");
            if (match.Success) return new Uri(match.Value);
            await Task.Delay(50);
        }
        throw new TimeoutException($"no URL printed: {_output} {_error}");
    }
}
