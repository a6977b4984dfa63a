using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit.Abstractions;
using HyperTune.LocalCluster;

namespace HyperTune.Cli.Tests;

/// <summary>Oversized and pathological specs sent to a node's HTTP API, as a careless or hostile client would.</summary>
[Trait("Category", "EndToEnd")]
public sealed class SpecLimitsEndToEndTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    // The goal is an answer within 1 s; the bound is generous so a loaded 2-core machine passes, and still far
    // below the minutes a quadratic check of 30,000 choices took (10,000 took 20 s).
    private static readonly TimeSpan AnswerBound = TimeSpan.FromSeconds(10);

    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-limits-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Spec(string name, string choices, string description = "") => $$"""
        { "name": "{{name}}", "description": "{{description}}",
          "objective": { "metric": "value", "direction": "minimize" },
          "trainable": { "type": "function", "function": "branin" },
          "space": [ { "name": "x", "type": "float", "low": -5, "high": 10 }, { "name": "y", "type": "float", "low": 0, "high": 15 },
                     { "name": "c", "type": "categorical", "choices": [{{choices}}] } ],
          "optimizer": { "type": "random", "seed": 1 },
          "budget": { "maxTrials": 2 } }
        """;

    private static string Numbers(int count) => string.Join(",", Enumerable.Range(0, count));

    private async Task<(HttpStatusCode Status, string Body)> SubmitAsync(HttpClient http, string spec, string what)
    {
        var clock = Stopwatch.StartNew();
        // Expect: 100-continue, as the CLI sends it: a body over the node's HTTP cap is refused (413) before it is
        // sent, where a client that sends it anyway may see the connection closed under it instead of the answer.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/studies")
        {
            Content = new StringContent(spec, Encoding.UTF8, "application/json"),
        };
        request.Headers.ExpectContinue = true;
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        output.WriteLine($"{what} ({Encoding.UTF8.GetByteCount(spec)} bytes): {(int)response.StatusCode} after {clock.ElapsedMilliseconds} ms: {body}");
        Assert.True(clock.Elapsed < AnswerBound, $"{what} took {clock.Elapsed}");
        return (response.StatusCode, body);
    }

    [Fact]
    public async Task Oversized_and_pathological_specs_are_refused_with_the_reason_and_the_node_stays_responsive()
    {
        var port = LoopbackPorts.ReserveOne();
        var config = Path.Combine(_dir, "limits.conf");
        // A spec limit of 256 KiB: an oversized spec stays far below any HTTP body cap, so this limit answers.
        File.WriteAllText(config, "hypertune.limits.max-spec-bytes = 256KiB\n");
        using var node = HypertuneProcess.Start(_dir, "node", "--port", "0", "--storage", "memory", "--http", $"127.0.0.1:{port}", "--config", config);
        await node.WaitForStderrAsync(l => l.Contains(" up: roles", StringComparison.Ordinal), Timeout);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Timeout };

        // 30,000 choices (170 kB): under the size limit, over the choice limit.
        var (status, body) = await SubmitAsync(http, Spec("many-choices", Numbers(30_000)), "30,000 choices");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("space[2].choices: has 30000 choices, more than the limit of 10000 (hypertune.limits.max-categorical-choices)", body);

        // 300 kB of description: over the spec size limit.
        (status, body) = await SubmitAsync(http, Spec("large", "1, 2", new string('d', 300_000)), "large spec");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Matches(@"the spec is \d+ bytes, more than the limit of 262144 bytes \(hypertune\.limits\.max-spec-bytes\)", body);

        // A million choices (6.9 MB): refused by the spec size limit or, if smaller, by the HTTP body cap.
        (status, body) = await SubmitAsync(http, Spec("million", Numbers(1_000_000)), "1,000,000 choices");
        Assert.True(status is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge, $"{(int)status}: {body}");
        if (status == HttpStatusCode.BadRequest) Assert.Contains("hypertune.limits.max-spec-bytes", body);

        // The node still answers, and a normal spec is accepted.
        using (var health = await http.GetAsync("/health"))
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        (status, body) = await SubmitAsync(http, Spec("normal", "1, 2, 3"), "normal spec");
        Assert.True(status == HttpStatusCode.Created, body);
        Assert.Contains("\"created\":true", body);

        node.Signal(15);
        await node.WaitAsync(Timeout);
    }
}
