using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using HyperTune.LocalCluster;

namespace HyperTune.Cli.Tests;

/// <summary>A secured `hypertune node` as an operator runs it: API keys, HTTPS, the allow-list, remoting TLS.</summary>
[Trait("Category", "EndToEnd")]
public sealed class SecurityEndToEndTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-security-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<string> InitAsync(string name)
    {
        var dir = Path.Combine(_dir, name);
        var (code, _, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "security", "init", "--out", dir);
        Assert.True(code == 0, stderr);
        return dir;
    }

    private static string KeyOf(string secrets, string role) =>
        File.ReadAllLines(Path.Combine(secrets, "api-keys")).Single(l => l.StartsWith(role + ":", StringComparison.Ordinal))[(role.Length + 1)..];

    // Nothing of the test runner's own environment may secure or open the nodes by accident.
    private static Dictionary<string, string?> CleanEnvironment() => new()
    {
        ["HYPERTUNE_API_KEY"] = null, ["HYPERTUNE_API_KEY_FILE"] = null, ["HYPERTUNE_CA_CERT"] = null,
        ["HYPERTUNE_CLUSTER_CERT"] = null, ["HYPERTUNE_HTTPS_CERT"] = null, ["HYPERTUNE_ALLOWED_COMMANDS"] = null,
    };

    [Fact]
    public async Task Security_init_writes_owner_only_files_with_random_keys()
    {
        var secrets = await InitAsync("s");
        var again = await InitAsync("t");

        foreach (var file in new[] { "cluster.pfx", "https.pfx", "https.crt", "api-keys", "operate.key" })
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(secrets, file)));
        Assert.Equal(KeyOf(secrets, "operate"), File.ReadAllText(Path.Combine(secrets, "operate.key")).Trim());
        Assert.NotEqual(KeyOf(secrets, "operate"), KeyOf(again, "operate"));
        Assert.NotEqual(KeyOf(secrets, "operate"), KeyOf(secrets, "read"));
        // It does not overwrite what an operator already deployed.
        var (code, _, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "security", "init", "--out", secrets);
        Assert.Equal(1, code);
        Assert.Contains("already exist", stderr);
    }

    [Fact]
    public async Task A_node_bound_off_loopback_without_a_key_refuses_to_start()
    {
        var (code, _, stderr) = await HypertuneProcess.RunAsync(_dir, CleanEnvironment(), Timeout,
            "node", "--port", "0", "--storage", "memory", "--http", $"0.0.0.0:{LoopbackPorts.ReserveOne()}");

        Assert.Equal(2, code);
        Assert.Contains("the HTTP API is bound to 0.0.0.0, which other machines can reach, and no API key is configured", stderr);
        Assert.DoesNotContain("Remoting started", stderr);
    }

    [Fact]
    public async Task A_node_bound_off_loopback_serves_https_only_to_keys_and_refuses_commands_off_its_allow_list()
    {
        var secrets = await InitAsync("s");
        var operate = KeyOf(secrets, "operate");
        var read = KeyOf(secrets, "read");
        var port = LoopbackPorts.ReserveOne();
        var environment = CleanEnvironment();
        environment["HYPERTUNE_API_KEY_FILE"] = Path.Combine(secrets, "api-keys");
        environment["HYPERTUNE_HTTPS_CERT"] = Path.Combine(secrets, "https.pfx");
        environment["HYPERTUNE_ALLOWED_COMMANDS"] = "/bin/true";
        using var node = HypertuneProcess.Start(_dir, environment, "node", "--port", "0", "--storage", "memory", "--http", $"0.0.0.0:{port}");
        await node.WaitForStderrAsync(l => l.Contains(" up: roles", StringComparison.Ordinal), Timeout);
        Assert.Contains($"https://0.0.0.0:{port} (2 API key(s))", node.Stderr);
        Assert.DoesNotContain(operate, node.Stderr);

        // Bound to every address, reached over loopback; the client trusts the node's own certificate only.
        var trusted = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(secrets, "https.crt"));
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, c, _, _) => c?.Thumbprint == trusted.Thumbprint };
        using var http = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };
        async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> Send(HttpMethod method, string path, string? key, string? body = null)
        {
            var request = new HttpRequestMessage(method, path);
            if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            var response = await http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
        }
        static string ErrorOf(string body) => (string)JsonNode.Parse(body)!["error"]!;

        var (status, body, response) = await Send(HttpMethod.Get, "studies", key: null);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Contains("requires an API key", ErrorOf(body));
        (status, body, _) = await Send(HttpMethod.Get, "cluster", key: "a-key-this-node-does-not-know");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("not valid", ErrorOf(body));
        (status, _, _) = await Send(HttpMethod.Get, "health", key: null);
        Assert.Equal(HttpStatusCode.OK, status);
        (status, body, _) = await Send(HttpMethod.Get, "studies", read);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(JsonNode.Parse(body)!["studies"]);

        var shellSpec = """
            { "name": "shell", "objective": { "metric": "loss", "direction": "minimize" },
              "trainable": { "type": "process", "command": "/bin/sh", "args": ["-c", "id"] },
              "space": [ { "name": "x", "type": "float", "low": 0, "high": 1 } ], "budget": { "maxTrials": 1 } }
            """;
        (status, body, _) = await Send(HttpMethod.Post, "studies", read, shellSpec);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("read-only", ErrorOf(body));
        (status, body, _) = await Send(HttpMethod.Post, "studies", operate, shellSpec);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("'/bin/sh'", ErrorOf(body));
        Assert.Contains("hypertune.trainables.process.allowed-commands", ErrorOf(body));
        Assert.Contains("allowed now: /bin/true", ErrorOf(body));
        // Neither a comment nor a command named twice gets past the check.
        var sneaky = shellSpec.Replace("\"command\": \"/bin/sh\"", "/* allowed */ \"command\": \"/bin/true\", \"command\": \"/bin/sh\"");
        Assert.Contains("/* allowed */", sneaky);
        (status, body, _) = await Send(HttpMethod.Post, "studies", operate, sneaky);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("'/bin/sh'", ErrorOf(body));
        // An ML.NET trainable reads only allowed folders, an assembly trainable loads only allowed files; a malformed
        // first occurrence of the trainable does not hide a second one.
        var passwdSpec = shellSpec.Replace("""{ "type": "process", "command": "/bin/sh", "args": ["-c", "id"] }""",
            """{ "type": "mlnet", "task": "binary", "learner": "lightgbm", "data": { "train": "/etc/passwd" } }""");
        (status, body, _) = await Send(HttpMethod.Post, "studies", operate, passwdSpec);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("'/etc/passwd'", ErrorOf(body));
        Assert.Contains("hypertune.trainables.mlnet.data-roots", ErrorOf(body));
        var hidden = passwdSpec.Replace("\"trainable\":", "\"trainable\": { \"type\": \"mlnet\" }, \"trainable\":");
        Assert.Contains("{ \"type\": \"mlnet\" }", hidden);
        (status, body, _) = await Send(HttpMethod.Post, "studies", operate, hidden);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("'/etc/passwd'", ErrorOf(body));
        var assemblySpec = shellSpec.Replace("""{ "type": "process", "command": "/bin/sh", "args": ["-c", "id"] }""",
            """{ "type": "assembly", "path": "/tmp/evil.dll", "class": "Evil.Trainable" }""");
        (status, body, _) = await Send(HttpMethod.Post, "studies", operate, assemblySpec);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("hypertune.trainables.assembly.allowed-paths", ErrorOf(body));
        (status, body, _) = await Send(HttpMethod.Get, "studies", operate);
        Assert.Equal("[]", JsonNode.Parse(body)!["studies"]!.ToJsonString());

        (status, body, _) = await Send(HttpMethod.Post, "studies?parallelism=abc", operate, shellSpec);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("'parallelism'", ErrorOf(body));
        (status, body, _) = await Send(HttpMethod.Post, "studies", operate, new string(' ', 2 << 20));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("hypertune.api.max-request-bytes", ErrorOf(body));

        // The CLI sends HYPERTUNE_API_KEY and trusts HYPERTUNE_CA_CERT; without them it is turned away.
        var cli = CleanEnvironment();
        cli["HYPERTUNE_API_KEY"] = operate;
        cli["HYPERTUNE_CA_CERT"] = Path.Combine(secrets, "https.crt");
        var (code, _, stderr) = await HypertuneProcess.RunAsync(_dir, cli, Timeout, "study", "list", "--node", $"https://127.0.0.1:{port}");
        Assert.True(code == 0, stderr);
        cli["HYPERTUNE_API_KEY"] = null;
        (code, _, stderr) = await HypertuneProcess.RunAsync(_dir, cli, Timeout, "study", "list", "--node", $"https://127.0.0.1:{port}");
        Assert.Equal(1, code);
        Assert.Contains("requires an API key", stderr);
        cli["HYPERTUNE_API_KEY"] = operate;
        cli["HYPERTUNE_CA_CERT"] = null;
        (code, _, stderr) = await HypertuneProcess.RunAsync(_dir, cli, Timeout, "study", "list", "--node", $"https://127.0.0.1:{port}");
        Assert.Equal(1, code);
        Assert.Contains("cannot reach the node", stderr);

        node.Signal(15);
        await node.WaitAsync(Timeout);
    }

    [Fact]
    public async Task A_node_without_the_cluster_certificate_cannot_join_a_tls_cluster()
    {
        var secrets = await InitAsync("s");
        var stranger = await InitAsync("stranger");
        var ports = LoopbackPorts.Reserve(2);
        var (port, http) = (ports[0], ports[1]);
        var seed = $"akka.tcp://hypertune@127.0.0.1:{port}";
        var withCert = CleanEnvironment();
        withCert["HYPERTUNE_CLUSTER_CERT"] = Path.Combine(secrets, "cluster.pfx");
        using var first = HypertuneProcess.Start(_dir, withCert, "node", "--port", port.ToString(), "--storage", "memory", "--http", $"127.0.0.1:{http}");
        await first.WaitForStderrAsync(l => l.Contains(" up: roles", StringComparison.Ordinal), Timeout);
        Assert.Contains("remoting over TLS", first.Stderr);

        // One node with another cluster's certificate, one with none: both give up joining.
        var otherCert = CleanEnvironment();
        otherCert["HYPERTUNE_CLUSTER_CERT"] = Path.Combine(stranger, "cluster.pfx");
        var strangers = new[] { otherCert, CleanEnvironment() }.Select(env => HypertuneProcess.RunAsync(_dir, env, Timeout,
            "node", "--port", "0", "--storage", "memory", "--http", "off", "--seed-nodes", seed, "--join-timeout", "20")).ToArray();
        foreach (var (code, _, stderr) in await Task.WhenAll(strangers))
        {
            Assert.NotEqual(0, code);
            Assert.DoesNotContain(" up: roles", stderr);
        }
        Assert.Contains("did not present this cluster's certificate", first.Stderr);
        Assert.Single(await MembersAsync(http));

        // A node with the certificate joins the same seed.
        using var second = HypertuneProcess.Start(_dir, withCert, "node", "--port", "0", "--storage", "memory", "--http", "off", "--seed-nodes", seed);
        await second.WaitForStderrAsync(l => l.Contains(" up: roles", StringComparison.Ordinal), Timeout);
        var members = await MembersAsync(http);
        Assert.Equal(2, members.Count);
        Assert.All(members, m => Assert.StartsWith("akka.ssl.tcp://", (string)m!["address"]!));
        second.Signal(15);
        await second.WaitAsync(Timeout);
        first.Signal(15);
        await first.WaitAsync(Timeout);
    }

    private static async Task<JsonArray> MembersAsync(int http)
    {
        using var client = new HttpClient();
        return JsonNode.Parse(await client.GetStringAsync($"http://127.0.0.1:{http}/cluster"))!["members"]!.AsArray();
    }
}
