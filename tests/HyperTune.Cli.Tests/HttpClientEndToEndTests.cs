using System.Text.Json.Nodes;
using HyperTune.Client.Remote;
using HyperTune.LocalCluster;
using HyperTune.Cluster.Studies;

namespace HyperTune.Cli.Tests;

/// <summary>The C# client of a node's HTTP API (HyperTuneHttpClient) against a real node process.</summary>
[Trait("Category", "EndToEnd")]
public sealed class HttpClientEndToEndTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-http-client-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Submit_enqueue_watch_list_and_export_through_the_client_with_typed_errors()
    {
        var http = LoopbackPorts.ReserveOne();
        using var node = HypertuneProcess.Start(_dir, "node", "--port", "0", "--storage",
            $"sqlite:{Path.Combine(_dir, "store.db")}", "--slots", "2", "--http", $"127.0.0.1:{http}");
        await node.WaitForStderrAsync(l => l.Contains(" up: roles", StringComparison.Ordinal), Timeout);
        using var client = new HyperTuneHttpClient(new Uri($"http://127.0.0.1:{http}"))
        {
            // Longer than the test: the node's event stream, not polling, must bring every change.
            WatchInterval = TimeSpan.FromMinutes(10),
        };
        var spec = JsonNode.Parse(File.ReadAllText(
            Path.Combine(HypertuneProcess.RepositoryRoot, "config", "studies", "branin-random.json")))!;
        spec["trainable"]!["simulatedTrainingTime"] = "200ms";
        spec["budget"]!["maxTrials"] = 6;
        spec["budget"]!["parallelism"] = 1;

        using var cts = new CancellationTokenSource(Timeout);
        var submitted = await client.SubmitAsync(spec.ToJsonString(), cancellationToken: cts.Token);
        Assert.Equal("branin-random", submitted.Progress.StudyId);
        var waiting = await client.EnqueueAsync("branin-random",
            new[] { new Dictionary<string, object> { ["x"] = 3.14159265, ["y"] = 2.275 } }, cts.Token);
        Assert.InRange(waiting, 0, 1);
        var refused = await Assert.ThrowsAsync<HyperTuneApiException>(() => client.EnqueueAsync("branin-random",
            new[] { new Dictionary<string, object> { ["x"] = 99.0, ["y"] = 1.0 } }, cts.Token));
        Assert.Equal(400, refused.StatusCode);
        Assert.Contains("x", refused.Message);

        var changes = new List<TrialChange>();
        await foreach (var change in client.WatchAsync("branin-random", cts.Token)) changes.Add(change);
        // Each trial seen, each completed once; a running trial may have shown first.
        Assert.Equal(Enumerable.Range(0, 6), changes.Select(c => c.Trial.Number).Distinct().Order());
        Assert.Equal(6, changes.Count(c => c.State == "complete"));
        Assert.Contains(changes, c => c.State == "complete" && c.Trial.Attributes.ContainsKey("enqueued")
                                      && (double)c.Trial.Params["x"] == 3.14159265);

        var finished = await client.GetAsync("branin-random", cancellationToken: cts.Token);
        Assert.Equal(StudyStatus.Finished, finished.Progress.Status);
        Assert.Equal(6, (await client.TrialsAsync("branin-random", cts.Token)).Count);
        Assert.Contains(await client.ListAsync(cts.Token), s => s.Progress.StudyId == "branin-random");
        var csv = await client.ExportCsvAsync("branin-random", cts.Token);
        Assert.Equal(7, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        // Watching a finished study gives its trials once and ends; an unknown one is a typed error.
        var again = new List<TrialChange>();
        await foreach (var change in client.WatchAsync("branin-random", cts.Token)) again.Add(change);
        Assert.Equal(Enumerable.Range(0, 6), again.Select(c => c.Trial.Number));
        var missing = await Assert.ThrowsAsync<StudyNotFoundException>(() =>
            client.GetAsync("no-such-study", cancellationToken: cts.Token));
        Assert.Equal("no-such-study", missing.StudyId);
        await Assert.ThrowsAsync<StudyNotFoundException>(async () =>
        {
            await foreach (var _ in client.WatchAsync("no-such-study", cts.Token))
            {
            }
        });
        node.Signal(15);
        await node.WaitAsync(Timeout);

        using var gone = new HyperTuneHttpClient(new Uri($"http://127.0.0.1:{http}"));
        await Assert.ThrowsAsync<NodeUnreachableException>(() => gone.ListAsync(cts.Token));
    }

    [Fact]
    public async Task Watching_a_study_on_a_node_without_a_read_model_asks_the_node_instead()
    {
        var http = LoopbackPorts.ReserveOne();
        // An in-memory store: the node serves no read model to other processes, so no event stream either.
        using var node = HypertuneProcess.Start(_dir, "node", "--port", "0", "--storage", "memory", "--slots", "2",
            "--http", $"127.0.0.1:{http}");
        await node.WaitForStderrAsync(l => l.Contains(" up: roles", StringComparison.Ordinal), Timeout);
        using var client = new HyperTuneHttpClient(new Uri($"http://127.0.0.1:{http}"))
        {
            WatchInterval = TimeSpan.FromMilliseconds(200),
        };
        var spec = JsonNode.Parse(File.ReadAllText(
            Path.Combine(HypertuneProcess.RepositoryRoot, "config", "studies", "branin-random.json")))!;
        spec["trainable"]!["simulatedTrainingTime"] = "200ms";
        spec["budget"]!["maxTrials"] = 4;
        spec["budget"]!["parallelism"] = 1;
        using var cts = new CancellationTokenSource(Timeout);
        await client.SubmitAsync(spec.ToJsonString(), cancellationToken: cts.Token);

        var changes = new List<TrialChange>();
        await foreach (var change in client.WatchAsync("branin-random", cts.Token)) changes.Add(change);
        Assert.Equal(Enumerable.Range(0, 4), changes.Where(c => c.State == "complete").Select(c => c.Trial.Number));
        node.Signal(15);
        await node.WaitAsync(Timeout);
    }
}
