using Akka.Actor;
using System.CommandLine;
using System.Globalization;
using HyperTune.Cli.Dashboard;
using HyperTune.Cli.Http;
using HyperTune.Cluster.Api;
using HyperTune.Cluster.Hosting;
using HyperTune.Cluster.Views;
using HyperTune.Cluster.Workers;

namespace HyperTune.Cli.Commands;

/// <summary>
/// <c>hypertune node</c>: a long-running cluster member. Options override <c>HYPERTUNE_*</c> environment variables
/// (for containers), which override the HOCON config files, which override the embedded defaults. SIGTERM or
/// Ctrl-C leaves the cluster gracefully: the node's studies and trials are handed over to the other nodes first.
/// </summary>
internal static class NodeCommand
{
    public static Command Create()
    {
        var config = new Option<string[]>("--config") { Description = "HOCON config file (repeatable; env HYPERTUNE_CONFIG)", AllowMultipleArgumentsPerToken = true };
        var host = new Option<string?>("--host") { Description = "Address to bind for cluster traffic (default 127.0.0.1; env HYPERTUNE_HOST)" };
        var publicHost = new Option<string?>("--public-host") { Description = "Address other nodes use to reach this one, when it differs from --host (env HYPERTUNE_PUBLIC_HOST)" };
        var port = new Option<int?>("--port") { Description = "Cluster TCP port (env HYPERTUNE_PORT)" };
        var seeds = new Option<string?>("--seed-nodes") { Description = "Comma-separated seed addresses, e.g. akka.tcp://hypertune@127.0.0.1:4053 (env HYPERTUNE_SEED_NODES); none: found a new cluster" };
        var storage = StorageOption.Create();
        storage.Description += " (env HYPERTUNE_STORAGE)";
        var roles = new Option<string?>("--roles") { Description = "coordinator, worker or both, comma-separated (default both; env HYPERTUNE_ROLES)" };
        var slots = new Option<int?>("--slots") { Description = "Trials this node runs at once (default: processor count; env HYPERTUNE_SLOTS)" };
        var http = new Option<string?>("--http") { Description = "HTTP API address HOST:PORT, or 'off' (default 127.0.0.1 and cluster port + 1000; env HYPERTUNE_HTTP); off loopback it needs an API key (HYPERTUNE_API_KEY or hypertune.api.key-file; see docs/cluster.md#security)" };
        var joinTimeout = new Option<int>("--join-timeout") { Description = "Seconds to wait for the cluster before giving up", DefaultValueFactory = _ => 300 };
        var command = new Command("node", "Run a long-lived cluster node (coordinator and/or worker) with its HTTP API")
        {
            config, host, publicHost, port, seeds, storage, roles, slots, http, joinTimeout,
        };
        command.SetAction((r, ct) => RunAsync(new Settings(
            r.GetValue(config) is { Length: > 0 } files ? files : Env("HYPERTUNE_CONFIG")?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? Array.Empty<string>(),
            r.GetValue(host) ?? Env("HYPERTUNE_HOST"),
            r.GetValue(publicHost) ?? Env("HYPERTUNE_PUBLIC_HOST"),
            r.GetValue(port) ?? ParseInt(Env("HYPERTUNE_PORT"), "HYPERTUNE_PORT"),
            r.GetValue(seeds) ?? Env("HYPERTUNE_SEED_NODES"),
            r.GetValue(storage) ?? Env("HYPERTUNE_STORAGE"),
            r.GetValue(roles) ?? Env("HYPERTUNE_ROLES"),
            r.GetValue(slots) ?? ParseInt(Env("HYPERTUNE_SLOTS"), "HYPERTUNE_SLOTS"),
            r.GetValue(http) ?? Env("HYPERTUNE_HTTP"),
            TimeSpan.FromSeconds(r.GetValue(joinTimeout))), ct));
        return command;
    }

    private sealed record Settings(string[] ConfigFiles, string? Host, string? PublicHost, int? Port, string? Seeds, string? Storage,
        string? Roles, int? Slots, string? Http, TimeSpan JoinTimeout);

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    private static int? ParseInt(string? text, string name) =>
        text is null ? null
        : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
        : throw new FormatException($"{name}='{text}' is not an integer");

    private static async Task<int> RunAsync(Settings s, CancellationToken ct)
    {
        NodeOptions options;
        (string Host, int Port)? http;
        NodeHttpOptions httpOptions;
        try
        {
            var storage = StorageOption.Resolve(s.Storage, null);
            var roles = (s.Roles ?? $"{NodeOptions.CoordinatorRole},{WorkerDirectory.WorkerRole}")
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var unknown = roles.Where(role => role != NodeOptions.CoordinatorRole && role != WorkerDirectory.WorkerRole).ToArray();
            if (roles.Length == 0 || unknown.Length > 0)
                throw new FormatException($"--roles: unknown role(s) {string.Join(", ", unknown)}; use coordinator, worker or both");
            if (s.Slots is < 1) throw new FormatException("--slots must be at least 1");
            options = new NodeOptions
            {
                Hostname = s.Host ?? "127.0.0.1",
                PublicHostname = s.PublicHost,
                Port = s.Port,
                SeedNodes = s.Seeds?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? Array.Empty<string>(),
                Storage = storage,
                Roles = roles,
                Slots = s.Slots,
                ConfigFiles = s.ConfigFiles,
                JoinTimeout = s.JoinTimeout,
                ExtraHocon = NodeSecurity.EnvironmentHocon(),
            };
            http = ParseHttp(s.Http, s.Port);
            var config = HyperTuneNode.BuildConfig(options);
            _ = Cluster.Workers.ProcessCommands.From(config);
            _ = ClusterTls.From(config);
            httpOptions = http is { } h ? NodeSecurity.HttpOptions(config, h.Host) : NodeHttpOptions.Open;
        }
        catch (Exception e) when (e is FormatException or FileNotFoundException or Akka.Configuration.ConfigurationException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }

        // The API's address is bound first: a node that could not serve it would join the cluster only to leave it.
        NodeHttpServer? server = null;
        IStudyViewReader? views = null;
        if (http is { } endpoint)
        {
            try
            {
                views = ViewReaderFactory.Open(options.Storage);
            }
            catch (StoreUnreadableException e)
            {
                // The dashboard is for looking; a node that cannot read its views still runs studies.
                Console.Error.WriteLine($"warning: no dashboard: {e.Message}");
            }
            try
            {
                server = await NodeHttpServer.StartAsync(endpoint.Host, endpoint.Port, httpOptions, views, ct);
            }
            catch (IOException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                await DisposeAsync(views);
                return ExitCodes.BadInput;
            }
        }

        var (node, startCode) = await NodeStarter.StartAsync(options, "the node", ct);
        if (node is null)
        {
            if (server is not null) await server.DisposeAsync();
            await DisposeAsync(views);
            return startCode;
        }

        try
        {
            server?.Attach(new StudyApi(node));
            if (!ClusterTls.IsEnabled(node.System.Settings.Config) && !HttpBinding.IsLoopback(options.Hostname ?? "127.0.0.1"))
                Console.Error.WriteLine($"warning: cluster traffic on {options.Hostname} is neither encrypted nor authenticated: anyone who " +
                                       "reaches its port can join the cluster; set HYPERTUNE_CLUSTER_CERT (hypertune security init creates one)");
            Console.Error.WriteLine($"hypertune node {node.Address} up: roles {string.Join(",", options.Roles)}, storage {options.Storage}" +
                                   (http is { } h ? $", {httpOptions.Scheme}://{h.Host}:{h.Port}" : ", no HTTP API") +
                                   (http is { } d && views is not null
                                       ? $", dashboard {httpOptions.Scheme}://{d.Host}:{d.Port}/dashboard/" : "") +
                                   (httpOptions.Keys.IsEmpty ? "" : $" ({httpOptions.Keys.Count} API key(s))") +
                                   (ClusterTls.IsEnabled(node.System.Settings.Config) ? ", remoting over TLS" : ""));
            try
            {
                await node.WhenTerminated.WaitAsync(ct);
                // SIGTERM also runs Akka's process-exit hook, which may leave the cluster gracefully before the
                // cancellation reaches this wait: that is the operator's stop, not a downing.
                if (CoordinatedShutdown.Get(node.System).ShutdownReason is CoordinatedShutdown.ClrExitReason)
                {
                    Console.Error.WriteLine("left the cluster");
                    return ExitCodes.Ok;
                }
                // The actor system stopped on its own: this node was downed or removed from the cluster.
                Console.Error.WriteLine("the node left the cluster (downed or removed); exiting");
                return ExitCodes.Failed;
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine("leaving the cluster: handing studies and trials over to the other nodes...");
                await node.StopAsync();
                Console.Error.WriteLine("left the cluster");
                return ExitCodes.Ok;
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            Console.Error.WriteLine($"error: {e.GetBaseException().Message}");
            await node.StopAsync();
            return ExitCodes.Failed;
        }
        finally
        {
            if (server is not null) await server.DisposeAsync();
            await DisposeAsync(views);
        }
    }

    /// <summary>Closes a read model's reader that holds resources (connections), after the server that used
    /// it.</summary>
    private static async ValueTask DisposeAsync(IStudyViewReader? views)
    {
        switch (views)
        {
            case IAsyncDisposable disposable: await disposable.DisposeAsync(); break;
            case IDisposable disposable: disposable.Dispose(); break;
        }
    }

    private static (string Host, int Port)? ParseHttp(string? text, int? clusterPort)
    {
        if (string.Equals(text, "off", StringComparison.OrdinalIgnoreCase)) return null;
        if (text is null) return ("127.0.0.1", clusterPort is > 0 ? clusterPort.Value + 1000 : 8053);
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) || p is < 0 or > 65535)
            throw new FormatException($"--http: '{text}' is not HOST:PORT or 'off'");
        return (text[..colon], p);
    }
}
