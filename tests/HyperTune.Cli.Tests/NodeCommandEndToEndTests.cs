using System.Net;
using System.Net.Sockets;

namespace HyperTune.Cli.Tests;

/// <summary>The `hypertune node` command as an operator runs it: a separate process on loopback.</summary>
[Trait("Category", "EndToEnd")]
public sealed class NodeCommandEndToEndTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-node-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_node_whose_http_address_is_taken_refuses_to_start_before_joining_any_cluster()
    {
        // Another program holds the API's address for the whole test.
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;

        var (code, _, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout,
            "node", "--port", "0", "--storage", "memory", "--http", $"127.0.0.1:{taken}");

        Assert.Equal(2, code);
        Assert.Contains($"cannot serve the HTTP API on http://127.0.0.1:{taken}: the address is already in use", stderr);
        // It stopped before its actor system started, so it never joined (and never left) a cluster.
        Assert.DoesNotContain("Remoting started", stderr);
        Assert.DoesNotContain("at Microsoft.", stderr);
    }

    [Fact]
    public async Task A_node_given_an_unreachable_postgresql_fails_at_once_naming_the_server()
    {
        // A port nothing listens on: the connection is refused.
        int closed;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            closed = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var (code, _, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout,
            "node", "--port", "0", "--http", "off", "--storage", $"postgres:Host=127.0.0.1;Port={closed};Database=hypertune;Username=nobody");

        Assert.Equal(1, code);
        Assert.Contains($"cannot connect to PostgreSQL at 127.0.0.1:{closed} (database hypertune, user nobody)", stderr);
        // Refused before the actor system started, not after a journal recovery timed out.
        Assert.DoesNotContain("Remoting started", stderr);
    }
}
