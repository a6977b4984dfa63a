using System.Text.Json.Nodes;
using HyperTune.LocalCluster;
using Xunit.Abstractions;

namespace HyperTune.Integration.Tests;

/// <summary>
/// A throwaway PostgreSQL server and three node processes on loopback: <c>a</c> and <c>b</c> (coordinator and
/// worker, the seeds) and <c>c</c> (worker only), two slots each.
/// </summary>
public sealed class ThreeNodeCluster : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-cluster-").FullName;
    private readonly Dictionary<string, NodeProcess> _nodes = new();
    private readonly ITestOutputHelper _output;
    private bool _passed;

    private ThreeNodeCluster(PostgresServer db, ITestOutputHelper output)
    {
        Db = db;
        _output = output;
    }

    public PostgresServer Db { get; }

    public NodeHttp Http { get; private set; } = new();

    /// <summary>The API key and cluster certificate every node runs with: the suite runs a secured cluster.</summary>
    public ClusterSecrets? Secrets { get; private set; }

    public IReadOnlyDictionary<string, NodeProcessOptions> Options { get; private set; } = new Dictionary<string, NodeProcessOptions>();

    public NodeProcess this[string name] => _nodes[name];

    /// <summary>The HTTP addresses of the nodes that are running.</summary>
    public IEnumerable<string> LiveHttp => _nodes.Values.Where(n => !n.HasExited).Select(n => n.Http);

    public static string HypertuneDll => Path.Combine(AppContext.BaseDirectory, "hypertune.dll");

    /// <summary>Starts the database and the nodes and waits until all three are Up.</summary>
    /// <param name="output">The test's output.</param>
    /// <param name="nodeConfig">HOCON of each node's own, by node name (null: none).</param>
    public static async Task<ThreeNodeCluster> StartAsync(ITestOutputHelper output,
        Func<string, string?>? nodeConfig = null)
    {
        var db = await PostgresServer.StartAsync(log: new OutputWriter(output));
        var cluster = new ThreeNodeCluster(db, output);
        try
        {
            var secrets = await ClusterSecrets.CreateAsync(HypertuneDll, Path.Combine(cluster._dir, "secrets"));
            cluster.Secrets = secrets;
            cluster.Http.Dispose();
            cluster.Http = new NodeHttp(secrets.ApiKey);
            var ports = LoopbackPorts.Reserve(6);
            // a, the first seed, gets the lowest cluster port: the leader while it is up (Akka's leader is the member
            // with the lowest address), so a test that restarts the leader restarts the first seed as well.
            Array.Sort(ports, 0, 3);
            // Written as operators write them; the nodes switch them to akka.ssl.tcp since remoting runs over TLS.
            var seeds = new[] { $"akka.tcp://hypertune@127.0.0.1:{ports[0]}", $"akka.tcp://hypertune@127.0.0.1:{ports[1]}" };
            string[] allowed = ["/bin/sh"];
            cluster.Options = new Dictionary<string, NodeProcessOptions>
            {
                ["a"] = new("a", ports[0], ports[3], seeds, "coordinator,worker", 2, db.StorageOptionAs("a"))
                {
                    Secrets = secrets, AllowedCommands = allowed, Config = nodeConfig?.Invoke("a"),
                },
                ["b"] = new("b", ports[1], ports[4], seeds, "coordinator,worker", 2, db.StorageOptionAs("b"))
                {
                    Secrets = secrets, AllowedCommands = allowed, Config = nodeConfig?.Invoke("b"),
                },
                ["c"] = new("c", ports[2], ports[5], seeds, "worker", 2, db.StorageOptionAs("c"))
                {
                    Secrets = secrets, AllowedCommands = allowed, Config = nodeConfig?.Invoke("c"),
                },
            };
            foreach (var name in new[] { "a", "b", "c" }) cluster.Start(name);
            await cluster.WaitForAllUpAsync(TimeSpan.FromSeconds(120));
        }
        catch
        {
            // The test never gets the cluster to dispose: stop the nodes and the database here, and keep the node
            // logs, which say why a node never came up.
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    /// <summary>Waits until every running node serves its API and node a sees all three Up.</summary>
    public async Task WaitForAllUpAsync(TimeSpan timeout)
    {
        foreach (var node in _nodes.Values.Where(n => !n.HasExited)) await Http.WaitForHealthyAsync(node.Http, timeout);
        await Http.WaitForMembersUpAsync(LiveHttp.First(), _nodes.Values.Count(n => !n.HasExited), timeout);
    }

    /// <summary>Starts (or restarts, as an operator would) a node with its options.</summary>
    public NodeProcess Start(string name)
    {
        var node = NodeProcess.Start(HypertuneDll, Options[name], _dir);
        _nodes[name] = node;
        Log($"started node {name} ({Options[name].Address}), pid {node.Id}");
        return node;
    }

    /// <summary>The node whose cluster port is in a <c>host:port</c> address.</summary>
    public string NameOf(string hostPort) => Options.Single(o => hostPort.EndsWith($":{o.Value.Port}", StringComparison.Ordinal)).Key;

    public async Task<JsonNode> StudyAsync(string studyId) =>
        await Http.StudyAsync(LiveHttp, studyId, trials: true) ?? throw new InvalidOperationException($"no live node answered for study {studyId}");

    /// <summary>Waits until a study document satisfies a condition, asking whichever node answers.</summary>
    public async Task<JsonNode> WaitForStudyAsync(string studyId, Func<JsonNode, bool> condition, TimeSpan timeout, string what)
    {
        try
        {
            return await NodeHttp.WaitUntilAsync(() => Http.StudyAsync(LiveHttp, studyId, trials: true), condition, timeout, what);
        }
        catch (TimeoutException e)
        {
            var nodes = string.Join(", ", _nodes.Select(n => n.Value.HasExited ? $"{n.Key} exited ({n.Value.ExitCode})" : $"{n.Key} running"));
            throw new TimeoutException($"{e.Message}; nodes: {nodes}; last failed request: {Http.LastFailure ?? "none"}", e);
        }
    }

    public void Log(string message) => _output.WriteLine($"[{DateTime.UtcNow:HH:mm:ss.fff}] {message}");

    /// <summary>Marks the test as passed: its node logs are then not kept.</summary>
    public void Passed() => _passed = true;

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes.Values) await node.DisposeAsync();
        // A failure in this suite is about timing between processes, and the node logs are what explain it: a failed
        // test (one that never called Passed) prints the end of each log and keeps the whole files.
        var keep = !_passed || Environment.GetEnvironmentVariable("HYPERTUNE_TEST_NODE_LOGS") == "1";
        if (keep) KeepLogs();
        Http.Dispose();
        await Db.DisposeAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void KeepLogs()
    {
        const int tailLines = 200;
        var kept = Directory.CreateTempSubdirectory("hypertune-cluster-logs-").FullName;
        foreach (var (name, node) in _nodes)
        {
            File.Copy(node.LogPath, Path.Combine(kept, Path.GetFileName(node.LogPath)), overwrite: true);
            var lines = node.ReadLog().Split('\n');
            _output.WriteLine($"----- node {name}: last {Math.Min(tailLines, lines.Length)} of {lines.Length} log lines -----");
            _output.WriteLine(string.Join('\n', lines.TakeLast(tailLines)));
        }
        _output.WriteLine($"----- whole node logs kept in {kept} -----");
    }

    private sealed class OutputWriter(ITestOutputHelper output) : StringWriter
    {
        public override void WriteLine(string? value) => output.WriteLine(value ?? "");
    }
}
