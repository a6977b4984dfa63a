using System.Net;
using System.Net.Sockets;
using HyperTune.LocalCluster;

namespace HyperTune.Cli.Tests;

/// <summary>The `hypertune node` command as an operator runs it: a separate process on loopback.</summary>
[Trait("Category", "EndToEnd")]
public sealed class NodeCommandEndToEndTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-node-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A loopback port the kernel just handed out and nobody listens on any more.</summary>
    [Fact]
    public async Task A_node_whose_http_address_is_taken_refuses_to_start_before_joining_any_cluster()
    {
        // Another program holds the API's address for the whole test.
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;

        var (code, _, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout,
            "node", "--port", "0", "--storage", "memory", "--http", $"127.0.0.1:{taken}");

        Assert.Equal(2, code);
        Assert.Contains($"cannot serve the HTTP API on http://127.0.0.1:{taken}: the address is already in use", stderr);
        // It stopped before its actor system started, so it never joined (and never left) a cluster.
        Assert.DoesNotContain("Remoting started", stderr);
        Assert.DoesNotContain("at Microsoft.", stderr);
    }

    [Fact]
    public async Task A_node_given_an_unreachable_postgresql_waits_for_it_naming_the_server_then_gives_up_at_its_limit()
    {
        // A port nothing listens on: the connection is refused.
        var closed = LoopbackPorts.ReserveOne();
        var config = Path.Combine(_dir, "short-wait.conf");
        File.WriteAllText(config, "hypertune.storage { start-wait-limit = 4s, start-retry-min-backoff = 500ms }");

        var (code, _, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout,
            "node", "--port", "0", "--http", "off", "--config", config,
            "--storage", $"postgres:Host=127.0.0.1;Port={closed};Database=hypertune;Username=nobody");

        Assert.Equal(1, code);
        Assert.Contains($"waiting for the database (cannot connect to PostgreSQL at 127.0.0.1:{closed} (database hypertune, user nobody)", stderr);
        Assert.Contains("; retrying in 0.5 s", stderr);
        Assert.Contains("did not answer within 4s (hypertune.storage.start-wait-limit)", stderr);
    }

    [Fact]
    public async Task Study_show_with_trials_lists_where_each_unfinished_trial_runs_and_its_latest_step()
    {
        var http = LoopbackPorts.ReserveOne();
        // Twenty reported steps of 0.3 s each: the trials are still running while the test looks at them.
        var script = Path.Combine(_dir, "steps.sh");
        File.WriteAllText(script, "i=0; while [ $i -lt 20 ]; do i=$((i+1)); sleep 0.3; echo \"hypertune-report step=$i loss=$i\"; done\n");
        var spec = Path.Combine(_dir, "steps.json");
        File.WriteAllText(spec, $$"""
            { "name": "steps", "objective": { "metric": "loss", "direction": "minimize" },
              "trainable": { "type": "process", "command": "/bin/sh", "args": [{{System.Text.Json.JsonSerializer.Serialize(script)}}] },
              "space": [ { "name": "x", "type": "float", "low": 0, "high": 1 } ],
              "optimizer": { "type": "random", "seed": 1 },
              "budget": { "maxTrials": 4, "parallelism": 2 } }
            """);
        // Process trainables run only programs on the node's allow-list.
        var allowShell = new Dictionary<string, string?> { ["HYPERTUNE_ALLOWED_COMMANDS"] = "/bin/sh" };
        using var node = HypertuneProcess.Start(_dir, allowShell, "node", "--port", "0", "--storage", "memory", "--http", $"127.0.0.1:{http}");
        await node.WaitForStderrAsync(l => l.Contains(" up: roles", StringComparison.Ordinal), Timeout);
        var (submitCode, _, submitErr) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "submit", spec, "--node", $"127.0.0.1:{http}");
        Assert.True(submitCode == 0, submitErr);

        var deadline = DateTime.UtcNow + Timeout;
        string shown;
        do
        {
            await Task.Delay(500);
            var (code, stdout, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "show", "steps", "--node", $"127.0.0.1:{http}", "--trials");
            Assert.True(code == 0, stderr);
            shown = stdout;
        }
        while (!System.Text.RegularExpressions.Regex.IsMatch(shown, @"#\d running on 127\.0\.0\.1:\d+, dispatch 1, step ([2-9]|\d\d)") && DateTime.UtcNow < deadline);

        Assert.Contains("unfinished trials:", shown);
        Assert.Matches(@"#\d running on 127\.0\.0\.1:\d+, dispatch 1, step ([2-9]|\d\d)", shown);
        // Without --trials the summary stays short.
        var (_, brief, _) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "show", "steps", "--node", $"127.0.0.1:{http}");
        Assert.Contains("study steps: running", brief);
        Assert.DoesNotContain("unfinished trials", brief);

        // Submitting the spec again resumes the running study; once its budget is spent, it says so.
        var (_, again, _) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "submit", spec, "--node", $"127.0.0.1:{http}");
        Assert.Matches(@"^resumed study steps on http://127\.0\.0\.1:\d+: \d/4 done", again);
        do
        {
            await Task.Delay(500);
            (_, brief, _) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "show", "steps", "--node", $"127.0.0.1:{http}");
        }
        while (!brief.Contains("study steps: finished") && DateTime.UtcNow < deadline);
        var (_, finished, _) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "submit", spec, "--node", $"127.0.0.1:{http}");
        Assert.Contains("study steps already finished (trial budget reached)", finished);
        Assert.Contains("4/4 done, best 20 (trial ", finished);
        Assert.Contains("--max-trials above 4 to continue it", finished);
        node.Signal(15);
        await node.WaitAsync(Timeout);
    }

    [Fact]
    public async Task A_node_answers_cluster_show_study_list_trials_enqueue_pause_and_resume_from_the_cli()
    {
        var http = LoopbackPorts.ReserveOne();
        var at = $"127.0.0.1:{http}";
        var spec = Path.Combine(_dir, "slow.json");
        var example = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(
            Path.Combine(HypertuneProcess.RepositoryRoot, "config", "studies", "branin-random.json")))!;
        // Trials of 1 s, one at a time: the study is still running when the next CLI command (seconds under load)
        // pauses it.
        example["trainable"]!["simulatedTrainingTime"] = "1s";
        example["budget"]!["maxTrials"] = 8;
        example["budget"]!["parallelism"] = 1;
        File.WriteAllText(spec, example.ToJsonString());
        using var node = HypertuneProcess.Start(_dir, "node", "--port", "0", "--storage", "memory", "--slots", "3",
            "--http", at);
        await node.WaitForStderrAsync(l => l.Contains(" up: roles", StringComparison.Ordinal), Timeout);

        var (clusterCode, cluster, clusterErr) = await HypertuneProcess.RunAsync(_dir, Timeout, "cluster", "show",
            "--node", at);
        Assert.True(clusterCode == 0, clusterErr);
        Assert.Matches(@"Up\s+reachable\s+\S*worker\S* \d/3 slots", cluster);

        var (submitCode, _, submitErr) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "submit", spec,
            "--node", at);
        Assert.True(submitCode == 0, submitErr);
        // Held at once (under load, CLI round trips take seconds: the study would otherwise be over first), then
        // nothing new starts (the trial count stays), whatever the running trial does meanwhile.
        var (pauseCode, paused, pauseErr) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "pause",
            "branin-random", "--reason", "quota", "--node", at);
        Assert.True(pauseCode == 0, pauseErr);
        Assert.Contains("study branin-random: paused (quota;", paused);
        async Task<int> StartedAsync()
        {
            var (_, all, _) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "trials", "branin-random",
                "--json", "--node", at);
            return System.Text.Json.Nodes.JsonNode.Parse(all)!.AsArray().Count;
        }
        var startedWhenHeld = await StartedAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(startedWhenHeld, await StartedAsync());
        Assert.True(startedWhenHeld < 8, $"{startedWhenHeld} trials had started before the pause");

        // A held study takes enqueued configurations; they run first once it goes on.
        var good = Path.Combine(_dir, "good.json");
        File.WriteAllText(good, "{\"x\": 3.14159265, \"y\": 2.275}");
        var (enqueueCode, enqueued, enqueueErr) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "enqueue",
            "branin-random", good, "--node", at);
        Assert.True(enqueueCode == 0, enqueueErr);
        Assert.Contains("enqueued 1 configuration(s) in study branin-random", enqueued);
        var bad = Path.Combine(_dir, "bad.json");
        File.WriteAllText(bad, "{\"x\": 3, \"z\": 1}");
        var (badCode, _, badErr) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "enqueue",
            "branin-random", bad, "--node", at);
        Assert.Equal(2, badCode);
        Assert.Contains("params.z", badErr);
        var (resumeCode, resumed, resumeErr) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "resume",
            "branin-random", "--node", at);
        Assert.True(resumeCode == 0, resumeErr);
        Assert.Contains("study branin-random: running", resumed);

        var deadline = DateTime.UtcNow + Timeout;
        string list;
        do
        {
            await Task.Delay(500);
            var (listCode, listed, listErr) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "list",
                "--node", at);
            Assert.True(listCode == 0, listErr);
            list = listed;
        }
        while (!list.Contains("finished") && DateTime.UtcNow < deadline);
        Assert.Contains("branin-random", list);
        Assert.Contains("8/8 done", list);

        var (trialsCode, trials, trialsErr) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "trials",
            "branin-random", "--json", "--node", at);
        Assert.True(trialsCode == 0, trialsErr);
        var enqueuedTrials = System.Text.Json.Nodes.JsonNode.Parse(trials)!.AsArray()
            .Where(t => t!["attributes"]?["enqueued"] is not null).ToList();
        Assert.Single(enqueuedTrials);
        Assert.Equal(3.14159265, (double)enqueuedTrials[0]!["params"]!["x"]!);

        // Deleted with everything it stored: no longer listed or shown.
        var (deleteCode, deleted, deleteErr) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "delete",
            "branin-random", "--yes", "--node", at);
        Assert.True(deleteCode == 0, deleteErr);
        Assert.Contains("deleted study branin-random (8 trial(s))", deleted);
        var (afterCode, afterList, afterErr) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "list",
            "--json", "--node", at);
        Assert.True(afterCode == 0, afterErr);
        Assert.Empty(System.Text.Json.Nodes.JsonNode.Parse(afterList)!["studies"]!.AsArray());
        var (goneCode, _, goneErr) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "show",
            "branin-random", "--node", at);
        Assert.Equal(1, goneCode);
        Assert.Contains("no study 'branin-random'", goneErr);

        var (leaveCode, _, leaveErr) = await HypertuneProcess.RunAsync(_dir, Timeout, "cluster", "leave",
            "127.0.0.1:1", "--node", at);
        Assert.Equal(2, leaveCode);
        Assert.Contains("no member at '127.0.0.1:1'; members: akka.tcp://", leaveErr);
        node.Signal(15);
        await node.WaitAsync(Timeout);
    }

    [Fact]
    public async Task The_http_api_repeats_a_submission_by_its_request_id_reports_readiness_and_counts_stopped_trials_cancelled()
    {
        var port = LoopbackPorts.ReserveOne();
        const string spec = """
            { "name": "keyed", "objective": { "metric": "value", "direction": "minimize" },
              "trainable": { "type": "function", "function": "branin", "simulatedTrainingTime": "30s" },
              "space": [ { "name": "x", "type": "float", "low": -5, "high": 10 }, { "name": "y", "type": "float", "low": 0, "high": 15 } ],
              "budget": { "maxTrials": 4, "parallelism": 2 } }
            """;
        using var node = HypertuneProcess.Start(_dir, "node", "--port", "0", "--storage", "memory", "--http", $"127.0.0.1:{port}");
        await node.WaitForStderrAsync(l => l.Contains(" up: roles", StringComparison.Ordinal), Timeout);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = Timeout };

        async Task<(int Status, System.Text.Json.Nodes.JsonNode Body)> Submit(string path, string? key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(spec) };
            if (key is not null) request.Headers.Add("Idempotency-Key", key);
            using var response = await http.SendAsync(request);
            return ((int)response.StatusCode, System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
        }

        var first = await Submit("studies?fresh=true", "key-1");
        var retried = await Submit("studies?fresh=true", "key-1");
        var byQuery = await Submit("studies?fresh=true&requestId=key-2", null);
        var ready = await http.GetAsync("ready");
        var readyBody = System.Text.Json.Nodes.JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;
        using var stop = await http.PostAsync("studies/keyed/stop?reason=enough", null);
        var stopped = System.Text.Json.Nodes.JsonNode.Parse(await stop.Content.ReadAsStringAsync())!;
        using var unknown = await http.GetAsync("studies/no-such-study");
        // A running study is not deleted; a stopped one is, and is then unknown and unlisted.
        using var deleteRunning = await http.DeleteAsync("studies/keyed-2");
        using var delete = await http.DeleteAsync("studies/keyed");
        var deletedBody = System.Text.Json.Nodes.JsonNode.Parse(await delete.Content.ReadAsStringAsync())!;
        using var deletedGet = await http.GetAsync("studies/keyed");
        using var deleteUnknown = await http.DeleteAsync("studies/keyed");
        var listed = System.Text.Json.Nodes.JsonNode.Parse(await http.GetStringAsync("studies"))!["studies"]!.AsArray()
            .Select(st => (string?)st!["study"]).ToList();

        Assert.Equal((201, "keyed"), (first.Status, (string?)first.Body["study"]));
        Assert.Equal((201, "keyed"), (retried.Status, (string?)retried.Body["study"]));
        Assert.Equal((201, "keyed-2"), (byQuery.Status, (string?)byQuery.Body["study"]));
        Assert.Equal(200, (int)ready.StatusCode);
        Assert.Equal("reachable", (string?)readyBody["storage"]);
        Assert.Equal((2, 0), ((int)stopped["trials"]!["cancelled"]!, (int)stopped["trials"]!["failed"]!));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, deleteRunning.StatusCode);
        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        Assert.Equal(("keyed", true, 2), ((string?)deletedBody["study"], (bool)deletedBody["deleted"]!,
            (int)deletedBody["trials"]!));
        Assert.Equal(HttpStatusCode.NotFound, deletedGet.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, deleteUnknown.StatusCode);
        Assert.Equal(new[] { "keyed-2" }, listed);
        node.Signal(15);
        await node.WaitAsync(Timeout);
    }
}
