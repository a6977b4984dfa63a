using System.Net;
using System.Text;
using HyperTune.Client.Remote;

namespace HyperTune.Client.Tests;

/// <summary>How <see cref="HyperTuneHttpClient"/> turns a node's refusals into typed errors, and sends its key.</summary>
public sealed class HttpClientErrorTests
{
    /// <summary>Answers every request with one status and body, and remembers the last request.</summary>
    private sealed class FixedAnswer(HttpStatusCode status, string body) : HttpMessageHandler
    {
        public HttpRequestMessage? Last { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Last = request;
            return Task.FromResult(new HttpResponseMessage(status)
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            });
        }
    }

    private static (HyperTuneHttpClient Client, FixedAnswer Handler) Client(HttpStatusCode status, string body,
        string? key = null)
    {
        var handler = new FixedAnswer(status, body);
        return (new HyperTuneHttpClient(new Uri("http://node.example:5053"), key, handler), handler);
    }

    [Fact]
    public async Task A_404_for_a_study_is_a_StudyNotFoundException_with_the_nodes_message()
    {
        var (client, _) = Client(HttpStatusCode.NotFound, "{\"error\": \"no study 'x'\"}");
        using (client)
        {
            var e = await Assert.ThrowsAsync<StudyNotFoundException>(() => client.GetAsync("x"));
            Assert.Equal("x", e.StudyId);
            Assert.Equal("no study 'x'", e.Message);
            Assert.Equal(404, e.StatusCode);
        }
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, 400)]
    [InlineData(HttpStatusCode.Unauthorized, 401)]
    [InlineData(HttpStatusCode.Forbidden, 403)]
    [InlineData(HttpStatusCode.Conflict, 409)]
    [InlineData(HttpStatusCode.ServiceUnavailable, 503)]
    public async Task Other_refusals_keep_their_status_and_message(HttpStatusCode status, int code)
    {
        var (client, _) = Client(status, "{\"error\": \"refused for a reason\"}");
        using (client)
        {
            var e = await Assert.ThrowsAsync<HyperTuneApiException>(() => client.ListAsync());
            Assert.Equal(code, e.StatusCode);
            Assert.Equal("refused for a reason", e.Message);
            Assert.IsNotType<StudyNotFoundException>(e);
        }
    }

    [Fact]
    public async Task A_body_without_an_error_field_gives_the_status_line()
    {
        var (client, _) = Client(HttpStatusCode.BadGateway, "<html>proxy</html>");
        using (client)
        {
            var e = await Assert.ThrowsAsync<HyperTuneApiException>(() => client.ListAsync());
            Assert.Equal("502 Bad Gateway", e.Message);
        }
    }

    [Fact]
    public async Task The_key_goes_as_a_bearer_token_and_ids_are_escaped()
    {
        var (client, handler) = Client(HttpStatusCode.NotFound, "{\"error\": \"no study\"}", key: "s3cret");
        using (client)
        {
            await Assert.ThrowsAsync<StudyNotFoundException>(() => client.StopAsync("a b/c", "why not"));
            Assert.Equal("Bearer s3cret", handler.Last!.Headers.Authorization!.ToString());
            Assert.Equal(HttpMethod.Post, handler.Last.Method);
            Assert.Equal("/studies/a%20b%2Fc/stop", handler.Last.RequestUri!.AbsolutePath);
            Assert.Contains("reason=why%20not", handler.Last.RequestUri.Query);
        }
    }

    /// <summary>Answers requests with the next of a list of study documents, and remembers every request.</summary>
    private sealed class Script(params string[] bodies) : HttpMessageHandler
    {
        private int _next;

        public List<(HttpMethod Method, string Path)> Requests { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Requests.Add((request.Method, request.RequestUri!.PathAndQuery));
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(bodies[Math.Min(_next++, bodies.Length - 1)], Encoding.UTF8,
                    "application/json"),
            });
        }
    }

    private static string Document(string refit) => $$$"""
        {"study": "cv", "status": "finished", "metric": "accuracy", "direction": "maximize", "maxTrials": 4,
         "parallelism": 2, "trials": {"complete": 4, "failed": 0, "pruned": 0, "running": 0, "waiting": 0},
         "best": {"number": 2, "value": 0.97, "params": {"learningRate": 0.1}}, "refit": {{{refit}}}}
        """;

    [Fact]
    public async Task A_refit_asks_the_node_then_waits_for_its_worker_and_returns_the_scores_and_the_model()
    {
        var handler = new Script(
            Document("""{"trial": 2, "status": "waiting", "reason": "ops", "failedAttempts": 0, "dispatch": 1}"""),
            Document("""{"trial": 2, "status": "running", "node": "b:1#2", "dispatch": 2, "failedAttempts": 0}"""),
            Document("""
                {"trial": 2, "status": "complete", "reason": "ops", "node": "b:1#2", "trainRows": 1347,
                 "testRows": 450, "test": {"accuracy": 0.98, "logLoss": 0.08}, "modelPath": "/b/cv/model.zip",
                 "failedAttempts": 0, "dispatch": 2, "requestedAt": "2026-12-07T10:00:00Z",
                 "finishedAt": "2026-12-07T10:00:05Z"}
                """));
        using var client = new HyperTuneHttpClient(new Uri("http://node.example:5053"), null, handler);
        var refit = await client.RefitAsync("cv", "ops", TimeSpan.FromMilliseconds(1));
        Assert.Equal((2, Cluster.Studies.RefitStatus.Complete, "b:1#2", 1347, 450, 0.98, "/b/cv/model.zip"),
            (refit.Trial, refit.Status, refit.NodeKey, refit.TrainRows, refit.TestRows, refit.TestMetrics["accuracy"],
                refit.ModelPath));
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 10, 0, 5, TimeSpan.Zero), refit.FinishedAt);
        Assert.Equal((HttpMethod.Post, "/studies/cv/refit?reason=ops"), handler.Requests[0]);
        Assert.Equal(3, handler.Requests.Count);
        Assert.All(handler.Requests.Skip(1), r => Assert.Equal(HttpMethod.Get, r.Method));

        // A refit that failed on every attempt comes back failed, with the reason.
        var failing = new Script(Document(
            """{"trial": 2, "status": "failed", "failureReason": "no file", "failedAttempts": 4, "dispatch": 4}"""));
        using var second = new HyperTuneHttpClient(new Uri("http://node.example:5053"), null, failing);
        var failed = await second.RefitAsync("cv");
        Assert.Equal((Cluster.Studies.RefitStatus.Failed, "no file", 4),
            (failed.Status, failed.FailureReason, failed.FailedAttempts));
    }
}
