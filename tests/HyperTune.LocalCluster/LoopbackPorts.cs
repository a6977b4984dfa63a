using System.Net;
using System.Net.Sockets;

namespace HyperTune.LocalCluster;

/// <summary>
/// Picks free TCP ports on 127.0.0.1 for servers started later by other processes (nodes, PostgreSQL).
/// </summary>
/// <remarks>
/// Two races make "bind port 0, close, hand the number on" unreliable when several servers start together: the
/// kernel may hand the same port to two such probes, and any outgoing connection (a node dialing PostgreSQL or
/// another node) may take the port as its local end before the server binds it. So the ports come from below the
/// kernel's ephemeral range, which outgoing connections never use, and all ports of one call are held open together
/// until every one is found, which makes them distinct.
/// </remarks>
public static class LoopbackPorts
{
    private const int LowestCandidate = 10_000;
    private const int Attempts = 2_000;

    /// <summary>Returns <paramref name="count"/> distinct ports that were free on 127.0.0.1 a moment ago.</summary>
    public static int[] Reserve(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var (low, high) = CandidateRange();
        var held = new List<TcpListener>(count);
        try
        {
            for (var attempt = 0; held.Count < count && attempt < Attempts; attempt++)
            {
                var listener = high > low ? new TcpListener(IPAddress.Loopback, Random.Shared.Next(low, high)) : new TcpListener(IPAddress.Loopback, 0);
                listener.Server.ExclusiveAddressUse = true;
                try
                {
                    listener.Start();
                    held.Add(listener);
                }
                catch (SocketException)
                {
                    listener.Stop(); // taken: try another candidate
                }
            }
            if (held.Count < count)
                throw new InvalidOperationException($"found only {held.Count} of {count} free TCP ports on 127.0.0.1 in {low}..{high - 1}");
            return held.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in held) listener.Stop();
        }
    }

    /// <summary>One free port (see <see cref="Reserve"/>).</summary>
    public static int ReserveOne() => Reserve(1)[0];

    // [LowestCandidate, start of the ephemeral range); on systems without /proc, (0, 0) means "let the kernel pick".
    private static (int Low, int High) CandidateRange()
    {
        try
        {
            var fields = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range")
                .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var ephemeralLow = int.Parse(fields[0], System.Globalization.CultureInfo.InvariantCulture);
            return ephemeralLow - LowestCandidate >= 1_000 ? (LowestCandidate, ephemeralLow) : (0, 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return (0, 0);
        }
    }
}
