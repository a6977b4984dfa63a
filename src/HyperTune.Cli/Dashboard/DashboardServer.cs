using HyperTune.Cli.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HyperTune.Cli.Dashboard;

/// <summary>
/// The dashboard on its own, on a loopback address: what <c>hypertune dashboard</c> serves (and the browser tests
/// start). It has no API key: it binds only to loopback and answers only requests addressed to a loopback name,
/// so that a web page of another site cannot read it through a DNS name rebound to 127.0.0.1.
/// </summary>
internal sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DashboardServer(WebApplication app, Uri url) => (_app, Url) = (app, url);

    /// <summary>The pages' address, <c>http://127.0.0.1:PORT/dashboard/</c>.</summary>
    public Uri Url { get; }

    /// <summary>The server's root address, <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseAddress => new(Url, "/");

    /// <summary>Starts serving on 127.0.0.1:<paramref name="port"/> (0: a free port).</summary>
    /// <exception cref="IOException">The port is taken or cannot be bound; the message names it.</exception>
    public static async Task<DashboardServer> StartAsync(DashboardSources sources, int port,
        CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        // Open event streams end when the host stops (they watch ApplicationStopping); the rest is quick.
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o =>
            o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().AddFilter((category, level) =>
            level >= LogLevel.Warning && category != "Microsoft.Extensions.Hosting.Internal.Host");
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o =>
            o.LogToStandardErrorThreshold = LogLevel.Trace);
        var app = builder.Build();
        app.Use(LoopbackHostsOnly);
        app.UseStatusCodePages(context =>
        {
            var http = context.HttpContext;
            http.Response.ContentType = "application/json; charset=utf-8";
            return http.Response.WriteAsync(DashboardJson.Error(
                $"{http.Request.Method} {http.Request.Path}: status {http.Response.StatusCode}"));
        });
        app.MapGet("/", () => Results.Redirect(DashboardEndpoints.PagesPath));
        app.MapDashboard(sources);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            var reason = e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException
                ? "the port is already in use" : e.GetBaseException().Message;
            throw new IOException($"cannot serve the dashboard on 127.0.0.1:{port}: {reason} (choose another with " +
                                  "--port N)", e);
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.Select(a => new Uri(a)).First();
        return new DashboardServer(app, new Uri($"http://127.0.0.1:{bound.Port}{DashboardEndpoints.PagesPath}"));
    }

    private static async Task LoopbackHostsOnly(HttpContext context, Func<Task> next)
    {
        if (HttpBinding.IsLoopback(context.Request.Host.Host))
        {
            await next();
            return;
        }
        context.Response.StatusCode = 421;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(DashboardJson.Error(
            "this dashboard answers only on loopback names (127.0.0.1, localhost), " +
            $"not '{context.Request.Host.Host}'"));
    }

    /// <summary>Stops serving (open event streams end).</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
