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
}
