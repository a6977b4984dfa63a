using HyperTune.Cluster.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HyperTune.Cli.Http;

/// <summary>
/// The node's JSON HTTP API (ASP.NET Core minimal APIs), a thin mapping of routes onto <see cref="StudyApi"/>:
/// <list type="bullet">
/// <item><c>POST /studies?fresh=&amp;parallelism=&amp;maxTrials=</c> with the spec as body: submit (201 new, 200 resumed, 400 invalid, 409 refused)</item>
/// <item><c>GET /studies</c>: list; <c>GET /studies/{id}?trials=true</c>: status, counts, best (and every trial)</item>
/// <item><c>POST /studies/{id}/stop?reason=</c>: stop a study</item>
/// <item><c>GET /cluster</c>: members; <c>GET /health</c>: 200 when this node is Up</item>
/// </list>
/// </summary>
internal sealed class NodeHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private NodeHttpServer(WebApplication app) => _app = app;

    /// <summary>Starts serving on <c>http://HOST:PORT</c>.</summary>
    public static async Task<NodeHttpServer> StartAsync(StudyApi api, string host, int port, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://{host}:{port}");
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().AddFilter((category, level) => level >= LogLevel.Warning);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        var app = builder.Build();

        app.MapPost("/studies", async (HttpRequest request, bool? fresh, int? parallelism, int? maxTrials, CancellationToken ct) =>
        {
            using var reader = new StreamReader(request.Body);
            var spec = await reader.ReadToEndAsync(ct);
            return Reply(await api.SubmitAsync(spec, fresh ?? false, parallelism, maxTrials, ct));
        });
        app.MapGet("/studies", async (CancellationToken ct) => Reply(await api.ListAsync(ct)));
        app.MapGet("/studies/{id}", async (string id, bool? trials, CancellationToken ct) => Reply(await api.GetAsync(id, trials ?? false, ct)));
        app.MapPost("/studies/{id}/stop", async (string id, string? reason, CancellationToken ct) => Reply(await api.StopAsync(id, reason ?? "stopped by operator", ct)));
        app.MapGet("/cluster", () => Reply(api.ClusterState()));
        app.MapGet("/health", () => Reply(api.Health()));

        await app.StartAsync(cancellationToken);
        return new NodeHttpServer(app);
    }

    private static IResult Reply(ApiResponse response) => Results.Text(response.Json, "application/json", statusCode: response.StatusCode);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
