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
/// <item><c>POST /studies?fresh=&amp;parallelism=&amp;maxTrials=&amp;requestId=</c> with the spec as body: submit
/// (201 new, 200 resumed, 400 invalid, 409 refused); a retry with the same request id (or <c>Idempotency-Key</c>
/// header) answers for the same study</item>
/// <item><c>GET /studies</c>: list; <c>GET /studies/{id}?trials=true</c>: status, counts, best (and every trial)</item>
/// <item><c>POST /studies/{id}/stop?reason=</c>: stop a study</item>
/// <item><c>GET /cluster</c>: members; <c>GET /health</c>: 200 when this node is Up (and its storage's status);
/// <c>GET /ready</c>: 200 when it is Up and its storage answers, else 503 with the reason</item>
/// </list>
/// The server binds before its node joins the cluster (a node that cannot serve its API should not join and then
/// leave again), so every route answers 503 until <see cref="Attach"/> gives it the node's API.
/// </summary>
internal sealed class NodeHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Holder _api;

    private NodeHttpServer(WebApplication app, Holder api) => (_app, _api) = (app, api);

    /// <summary>Starts serving on <c>http://HOST:PORT</c>; routes answer 503 until <see cref="Attach"/>.</summary>
    /// <exception cref="IOException">The address is taken or cannot be bound; the message names it.</exception>
    public static async Task<NodeHttpServer> StartAsync(string host, int port, CancellationToken cancellationToken)
    {
        var holder = new Holder();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://{host}:{port}");
        builder.Logging.ClearProviders();
        // The host's own "failed to start" error is reported by the caller, naming the address, without its stack trace.
        builder.Logging.AddSimpleConsole().AddFilter((category, level) => level >= LogLevel.Warning && category != "Microsoft.Extensions.Hosting.Internal.Host");
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        var app = builder.Build();

        app.MapPost("/studies", async (HttpRequest request, bool? fresh, int? parallelism, int? maxTrials, CancellationToken ct) =>
        {
            using var reader = new StreamReader(request.Body);
            var spec = await reader.ReadToEndAsync(ct);
            return holder.Api is { } api ? Reply(await api.SubmitAsync(spec, fresh ?? false, parallelism, maxTrials, ct, RequestIdOf(request))) : Starting;
        });
        app.MapGet("/studies", async (CancellationToken ct) => holder.Api is { } api ? Reply(await api.ListAsync(ct)) : Starting);
        app.MapGet("/studies/{id}", async (string id, bool? trials, CancellationToken ct) =>
            holder.Api is { } api ? Reply(await api.GetAsync(id, trials ?? false, ct)) : Starting);
        app.MapPost("/studies/{id}/stop", async (string id, string? reason, CancellationToken ct) =>
            holder.Api is { } api ? Reply(await api.StopAsync(id, reason ?? "stopped by operator", ct)) : Starting);
        app.MapGet("/cluster", () => holder.Api is { } api ? Reply(api.ClusterState()) : Starting);
        app.MapGet("/health", () => holder.Api is { } api ? Reply(api.Health()) : Starting);
        app.MapGet("/ready", () => holder.Api is { } api ? Reply(api.Ready()) : Starting);

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            var reason = e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException ? "the address is already in use" : e.GetBaseException().Message;
            throw new IOException($"cannot serve the HTTP API on http://{host}:{port}: {reason} (choose another with --http HOST:PORT, or --http off)", e);
        }
        return new NodeHttpServer(app, holder);
    }

    /// <summary>Starts answering with the node's API.</summary>
    public void Attach(StudyApi api) => _api.Api = api;

    /// <summary>A submission's request id: the <c>requestId</c> query parameter, else the <c>Idempotency-Key</c>
    /// header.</summary>
    private static string? RequestIdOf(HttpRequest request) =>
        request.Query["requestId"].FirstOrDefault() ?? request.Headers["Idempotency-Key"].FirstOrDefault();

    private static IResult Starting => Reply(ApiResponse.Error(503, "the node is starting: it has not joined the cluster yet"));

    private static IResult Reply(ApiResponse response) => Results.Text(response.Json, "application/json", statusCode: response.StatusCode);

    // Written once by Attach, read by request threads.
    private sealed class Holder
    {
        private volatile StudyApi? _api;

        public StudyApi? Api { get => _api; set => _api = value; }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
