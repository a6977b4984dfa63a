using System.Net;

namespace HyperTune.Cli.Http;

/// <summary>Where an HTTP API is bound, as far as who can reach it.</summary>
internal static class HttpBinding
{
    /// <summary>
    /// Whether only this machine can reach <paramref name="host"/>: <c>localhost</c> or a loopback address
    /// (127.0.0.0/8, ::1). Wildcards (0.0.0.0, ::, *, +) and other names are reachable from elsewhere.
    /// </summary>
    public static bool IsLoopback(string host)
    {
        var h = host.Trim().TrimStart('[').TrimEnd(']');
        if (string.Equals(h, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(h, out var address) && IPAddress.IsLoopback(address);
    }
}
