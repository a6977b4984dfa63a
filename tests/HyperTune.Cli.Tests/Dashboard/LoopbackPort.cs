using System.Net;
using System.Net.Sockets;

namespace HyperTune.Cli.Tests.Dashboard;

/// <summary>Free TCP ports on 127.0.0.1, for servers that cannot be told to pick one themselves.</summary>
public static class LoopbackPort
{
    /// <summary>A port free now (another process could take it before it is bound; tests accept that).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
