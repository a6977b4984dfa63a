using System.Globalization;
using System.Text.Json;
using HyperTune.Cluster.Views;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HyperTune.Cli.Dashboard;

/// <summary>
/// The browser dashboard's routes, for <c>hypertune dashboard</c> and for a node's HTTP API:
/// <list type="bullet">
/// <item><c>GET /dashboard/</c>: the pages (<c>index.html</c> studies, <c>study.html?id=ID</c>,
/// <c>cluster.html</c>), their scripts and styles, embedded in the assembly</item>
/// <item><c>GET /api/studies</c>: <c>{"studies": [...]}</c>, each with id, name, status, counts, best, created
/// and updated times and the view's version</item>
/// <item><c>GET /api/studies/{id}</c>: the study's document; <c>/trials?since=V</c>: its trial documents written
/// after version V; <c>/importance</c>: parameter importance (404 where the server computes none)</item>
/// <item><c>GET /api/cluster</c>: the node's cluster, or <c>{"local": true}</c> for a local store</item>
/// <item><c>GET /api/events</c> (optionally <c>?study=ID</c>) and <c>GET /api/studies/{id}/events</c>:
/// server-sent events when studies change (<see cref="StudyEventStream"/>)</item>
/// </list>
/// Every error has a JSON body <c>{"error": "..."}</c> naming the problem: 404 for an unknown study, 400 for a bad
/// query value, 503 when the store cannot be read. The routes only read.
/// </summary>
internal static class DashboardEndpoints
{
    /// <summary>Where the pages are.</summary>
    public const string PagesPath = "/dashboard/";

    // script-src 'self': no inline script, nothing from elsewhere (the dashboard works offline and no study name or
    // failure text can run as script). Inline style attributes are allowed: the charts set a few.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /// <summary>Maps the pages and the <c>/api/</c> routes onto <paramref name="endpoints"/>.</summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder endpoints, DashboardSources sources)
    {
        var lifetime = endpoints.ServiceProvider.GetRequiredService<IHostApplicationLifetime>();
        var feed = new StudyChangeFeed(sources.Views, sources.PollInterval, lifetime.ApplicationStopping);
        var views = sources.Views;

        // Also matches /dashboard (routes ignore a trailing slash), which Asset redirects to /dashboard/: the pages'
        // relative links need the slash.
        endpoints.MapGet(PagesPath + "{**path}", (string? path, HttpContext context) => Asset(context, path));

        endpoints.MapGet("/api/studies", (CancellationToken ct) => Guard(null, async () =>
            Json(200, DashboardJson.StudyList(await views.ListAsync(ct)))));
        endpoints.MapGet("/api/studies/{id}", (string id, CancellationToken ct) => Guard(id, async () =>
            await views.GetAsync(id, ct) is { } study ? Json(200, DashboardJson.Study(study)) : UnknownStudy(id)));
        endpoints.MapGet("/api/studies/{id}/trials", (string id, HttpRequest request, CancellationToken ct) =>
            Guard(id, async () =>
            {
                if (Since(request) is not { } since) return BadSince(request);
                // The study first: an unknown study is a 404, not an empty list.
                if (await views.GetAsync(id, ct) is null) return UnknownStudy(id);
                return Json(200, DashboardJson.Trials(id, since, await views.TrialsAsync(id, since, ct)));
            }));
        endpoints.MapGet("/api/studies/{id}/importance", (string id, CancellationToken ct) => Guard(id, async () =>
        {
            if (sources.Importance is not { } importance)
                return Error(404, "parameter importance is not computed by this server");
            if (await views.GetAsync(id, ct) is null) return UnknownStudy(id);
            return Json(200, DashboardJson.Importance(id, await importance(id, ct)));
        }));
        endpoints.MapGet("/api/cluster", (CancellationToken ct) => Guard(null, async () =>
            sources.ClusterState is { } cluster && await cluster(ct) is { } answer
                ? Json(answer.StatusCode, answer.Json)
                : Json(200, DashboardJson.LocalCluster)));
        endpoints.MapGet("/api/events", (HttpContext context, string? study) =>
            StudyEventStream.StreamAsync(context, feed, study, lifetime.ApplicationStopping));
        endpoints.MapGet("/api/studies/{id}/events", (HttpContext context, string id) =>
            StudyEventStream.StreamAsync(context, feed, id, lifetime.ApplicationStopping));
        // Anything else under /api/ is a JSON 404, not a page.
        endpoints.Map("/api/{**rest}", (HttpContext context) =>
            Error(404, $"{context.Request.Method} {context.Request.Path}: no such route"));
        return endpoints;
    }

    /// <summary>Whether <paramref name="path"/> is one of the dashboard's static files (no data in them).</summary>
    public static bool IsPage(PathString path) =>
        path.Equals("/dashboard", StringComparison.Ordinal) ||
        path.StartsWithSegments("/dashboard", StringComparison.Ordinal, out var rest)
        && (rest.Value is null or "/" || DashboardAssets.Embedded.Find(rest.Value.TrimStart('/')) is not null);

    private static IResult Asset(HttpContext context, string? path)
    {
        if (!context.Request.Path.Value!.EndsWith('/') && string.IsNullOrEmpty(path))
            return Results.Redirect(context.Request.PathBase + PagesPath);
        var asset = DashboardAssets.Embedded.Find(string.IsNullOrEmpty(path) ? "index.html" : path);
        if (asset is null) return Error(404, $"{context.Request.Path}: no such page");
        var headers = context.Response.Headers;
        headers.ETag = asset.ETag;
        // Revalidated at each load (cheap, 304), so a new binary's pages are seen at once.
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers["Referrer-Policy"] = "no-referrer";
        if (context.Request.Headers.IfNoneMatch.Contains(asset.ETag)) return Results.StatusCode(304);
        return Results.Bytes(asset.Content, asset.ContentType);
    }

    private static long? Since(HttpRequest request) =>
        request.Query["since"].LastOrDefault() is not { } text ? 0
        : long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var since) && since >= 0 ? since
        : null;

    private static IResult BadSince(HttpRequest request) =>
        Error(400, $"query parameter 'since': '{request.Query["since"].LastOrDefault()}' is not a version (an " +
                   "integer, 0 or more)");

    private static IResult UnknownStudy(string id) => Error(404, $"no study '{id}' in the read model");

    // What goes wrong reading the store becomes a JSON error naming it, here rather than in a host's middleware,
    // so that the dashboard answers alike on a node and from `hypertune dashboard`.
    private static async Task<IResult> Guard(string? studyId, Func<Task<IResult>> handler)
    {
        try
        {
            return await handler();
        }
        catch (StoreUnreadableException e)
        {
            return Error(503, e.Message);
        }
        catch (JsonException e)
        {
            var whose = studyId is null ? "a study" : $"study '{studyId}'";
            return Error(500, $"the read model's document of {whose} is not valid JSON: {e.Message}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Error(500, $"internal error: {e.GetType().Name}: {e.Message}");
        }
    }

    private static IResult Json(int status, string json) =>
        Results.Text(json, "application/json; charset=utf-8", statusCode: status);

    private static IResult Error(int status, string message) => Json(status, DashboardJson.Error(message));
}
