using System.Globalization;
using HyperTune.Cli.Dashboard;
using HyperTune.Cluster.Api;
using HyperTune.Cluster.Views;
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
/// (201 new, 200 resumed, 400 invalid, 403 command not allowed, 409 refused); a retry with the same request id (or
/// <c>Idempotency-Key</c> header) answers for the same study</item>
/// <item><c>GET /studies</c>: list; <c>GET /studies/{id}?trials=true</c>: status, counts, best (and every trial)</item>
/// <item><c>POST /studies/{id}/stop?reason=</c>: stop a study</item>
/// <item><c>GET /studies/{id}/spec</c>: the spec the study was created from</item>
/// <item><c>DELETE /studies/{id}</c>: delete a finished or stopped study with all it stored</item>
/// <item><c>GET /cluster</c>: members; <c>GET /health</c>: 200 when this node is Up (and its storage's status);
/// <c>GET /ready</c>: 200 when it is Up and its storage answers, else 503 with the reason</item>
/// </list>
/// Given the store's read model, it also serves the browser dashboard (<see cref="DashboardEndpoints"/>): its pages
/// under <c>/dashboard/</c> and their data under <c>/api/</c>.
/// With API keys configured every route but the health routes and the dashboard's static pages (scripts and
/// styles with no data; the pages send the key the user enters with each <c>/api/</c> request) needs
/// <c>Authorization: Bearer KEY</c> (401 without or with a wrong key, 403 for a read key on a POST). Every error
/// has a JSON body <c>{"error": "..."}</c>.
/// The server binds before its node joins the cluster (a node that cannot serve its API should not join and then
/// leave again), so every route answers 503 until <see cref="Attach"/> gives it the node's API.
/// </summary>
internal sealed class NodeHttpServer : IAsyncDisposable
{
    // Probes of orchestrators and load balancers carry no key; these routes reveal only whether the node is up.
    private static readonly string[] OpenPaths = ["/health", "/ready"];

    private readonly WebApplication _app;
    private readonly Holder _api;

    private NodeHttpServer(WebApplication app, Holder api) => (_app, _api) = (app, api);

    /// <summary>
    /// Starts serving on <c>SCHEME://HOST:PORT</c>; routes answer 503 until <see cref="Attach"/>, but for the
    /// dashboard's, which read <paramref name="views"/> (null: no dashboard).
    /// </summary>
    /// <exception cref="IOException">The address is taken or cannot be bound; the message names it.</exception>
    public static async Task<NodeHttpServer> StartAsync(string host, int port, NodeHttpOptions options,
        IStudyViewReader? views, CancellationToken cancellationToken)
    {
        var holder = new Holder();
        var builder = WebApplication.CreateSlimBuilder();
        var url = $"{options.Scheme}://{host}:{port}";
        builder.WebHost.UseUrls(url);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes;
            if (options.Certificate is { } certificate) kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate);
        });
        if (options.Certificate is not null) builder.WebHost.UseKestrelHttpsConfiguration();
        builder.Logging.ClearProviders();
        // The host's own "failed to start" error is reported by the caller, naming the address, without its stack trace.
        builder.Logging.AddSimpleConsole().AddFilter((category, level) => level >= LogLevel.Warning && category != "Microsoft.Extensions.Hosting.Internal.Host");
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        var app = builder.Build();

        app.Use(ErrorsAsJson);
        app.UseStatusCodePages(context => Write(context.HttpContext, context.HttpContext.Response.StatusCode,
            $"{context.HttpContext.Request.Method} {context.HttpContext.Request.Path}: {ReasonOf(context.HttpContext.Response.StatusCode)}"));
        app.Use((context, next) => Authorize(options.Keys, views is not null, context, next));

        app.MapPost("/studies", async (HttpRequest request, CancellationToken ct) =>
        {
            var fresh = Query.Bool(request, "fresh");
            var parallelism = Query.Int(request, "parallelism");
            var maxTrials = Query.Int(request, "maxTrials");
            using var reader = new StreamReader(request.Body);
            var spec = await reader.ReadToEndAsync(ct);
            return holder.Api is { } api ? Reply(await api.SubmitAsync(spec, fresh ?? false, parallelism, maxTrials, ct, RequestIdOf(request))) : Starting;
        });
        app.MapGet("/studies", async (CancellationToken ct) => holder.Api is { } api ? Reply(await api.ListAsync(ct)) : Starting);
        app.MapGet("/studies/{id}", async (string id, HttpRequest request, CancellationToken ct) =>
        {
            var trials = Query.Bool(request, "trials");
            return holder.Api is { } api ? Reply(await api.GetAsync(id, trials ?? false, ct)) : Starting;
        });
        app.MapPost("/studies/{id}/stop", async (string id, string? reason, CancellationToken ct) =>
            holder.Api is { } api ? Reply(await api.StopAsync(id, reason ?? "stopped by operator", ct)) : Starting);
        app.MapGet("/studies/{id}/spec", async (string id, CancellationToken ct) =>
            holder.Api is { } api ? Reply(await api.SpecAsync(id, ct)) : Starting);
        app.MapDelete("/studies/{id}", async (string id, CancellationToken ct) =>
            holder.Api is { } api ? Reply(await api.DeleteAsync(id, ct)) : Starting);
        app.MapPost("/studies/{id}/pause", async (string id, string? reason, CancellationToken ct) =>
            holder.Api is { } api ? Reply(await api.PauseAsync(id, reason ?? "paused by operator", ct)) : Starting);
        app.MapPost("/studies/{id}/refit", async (string id, string? reason, CancellationToken ct) =>
            holder.Api is { } api ? Reply(await api.RefitAsync(id, reason ?? "asked for by an operator", ct)) : Starting);
        app.MapPost("/studies/{id}/resume", async (string id, CancellationToken ct) =>
            holder.Api is { } api ? Reply(await api.ResumeAsync(id, ct)) : Starting);
        app.MapPost("/studies/{id}/enqueue", async (string id, HttpRequest request, CancellationToken ct) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync(ct);
            return holder.Api is { } api ? Reply(await api.EnqueueAsync(id, body, ct)) : Starting;
        });
        app.MapGet("/cluster", async (CancellationToken ct) =>
            holder.Api is { } api ? Reply(await api.ClusterStateAsync(ct)) : Starting);
        app.MapPost("/cluster/leave", (string? address) =>
            holder.Api is { } api ? Reply(api.RemoveMember(address ?? "", down: false)) : Starting);
        app.MapPost("/cluster/down", (string? address) =>
            holder.Api is { } api ? Reply(api.RemoveMember(address ?? "", down: true)) : Starting);
        app.MapGet("/health", () => holder.Api is { } api ? Reply(api.Health()) : Starting);
        app.MapGet("/ready", () => holder.Api is { } api ? Reply(api.Ready()) : Starting);
        if (views is not null)
            app.MapDashboard(DashboardSources.ForStore(views) with
            {
                ClusterState = _ => Task.FromResult(holder.Api is { } api ? api.ClusterState() : StartingResponse),
            });

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            var reason = e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException ? "the address is already in use" : e.GetBaseException().Message;
            throw new IOException($"cannot serve the HTTP API on {url}: {reason} (choose another with --http HOST:PORT, or --http off)", e);
        }
        return new NodeHttpServer(app, holder);
    }

    /// <summary>Starts answering with the node's API.</summary>
    public void Attach(StudyApi api) => _api.Api = api;

    /// <summary>A submission's request id: the <c>requestId</c> query parameter, else the <c>Idempotency-Key</c>
    /// header.</summary>
    private static string? RequestIdOf(HttpRequest request) =>
        request.Query["requestId"].FirstOrDefault() ?? request.Headers["Idempotency-Key"].FirstOrDefault();

    private static ApiResponse StartingResponse =>
        ApiResponse.Error(503, "the node is starting: it has not joined the cluster yet");

    private static IResult Starting => Reply(StartingResponse);

    private static IResult Reply(ApiResponse response) => Results.Text(response.Json, "application/json", statusCode: response.StatusCode);

    private static async Task Authorize(ApiKeyring keys, bool dashboard, HttpContext context, Func<Task> next)
    {
        // A browser cannot send a key when it loads a page: the dashboard's static files (the same in every build,
        // no study data) load without one, and its scripts send the key with every /api/ request.
        if (keys.IsEmpty || OpenPaths.Contains(context.Request.Path.Value, StringComparer.OrdinalIgnoreCase)
            || (dashboard && HttpMethods.IsGet(context.Request.Method)
                && DashboardEndpoints.IsPage(context.Request.Path)))
        {
            await next();
            return;
        }
        switch (keys.Check(context.Request.Method, context.Request.Headers.Authorization.ToString()))
        {
            case ApiAccess.Allowed:
                await next();
                return;
            case ApiAccess.MissingKey:
                context.Response.Headers.WWWAuthenticate = "Bearer realm=\"hypertune\"";
                await Write(context, 401, "this node requires an API key: send 'Authorization: Bearer KEY' (the CLI reads HYPERTUNE_API_KEY)");
                return;
            case ApiAccess.WrongKey:
                context.Response.Headers.WWWAuthenticate = "Bearer realm=\"hypertune\", error=\"invalid_token\"";
                await Write(context, 401, "the API key is not valid on this node");
                return;
            default:
                await Write(context, 403, $"the API key is read-only: {context.Request.Method} {context.Request.Path} needs an operate key");
                return;
        }
    }

    // Malformed requests (bad query values, bodies over the size limit) and unexpected failures get a JSON body
    // naming the problem instead of an empty one.
    private static async Task ErrorsAsJson(HttpContext context, Func<Task> next)
    {
        try
        {
            await next();
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            var message = e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? $"the request body is larger than this node accepts ({context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize} bytes, hypertune.api.max-request-bytes)"
                : e.Message;
            await Write(context, e.StatusCode, message);
        }
        catch (Exception e) when (!context.Response.HasStarted && e is not OperationCanceledException)
        {
            await Write(context, 500, $"internal error: {e.GetType().Name}: {e.Message}");
        }
    }

    private static Task Write(HttpContext context, int status, string message)
    {
        var body = ApiResponse.Error(status, message).Json;
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body);
    }

    private static string ReasonOf(int status) => status switch
    {
        404 => "no such route",
        405 => "method not allowed on this route",
        _ => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status),
    };

    /// <summary>Query-string values, parsed with errors that name the parameter.</summary>
    private static class Query
    {
        public static int? Int(HttpRequest request, string name) =>
            Text(request, name) is not { } text ? null
            : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value
            : throw new BadHttpRequestException($"query parameter '{name}': '{text}' is not an integer");

        public static bool? Bool(HttpRequest request, string name) =>
            Text(request, name) is not { } text ? null
            : bool.TryParse(text, out var value) ? value
            : throw new BadHttpRequestException($"query parameter '{name}': '{text}' is not true or false");

        private static string? Text(HttpRequest request, string name) =>
            request.Query.TryGetValue(name, out var values) && values.Count > 0 ? values[^1] : null;
    }

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
