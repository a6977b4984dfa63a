using System.Diagnostics;

namespace HyperTune.Cli.Commands.Bench;

/// <summary>Child processes of the benchmarks: this `hypertune` again, started the way this process was.</summary>
internal static class BenchProcess
{
    /// <summary>A start of <c>hypertune</c> (as <c>dotnet hypertune.dll</c> or as the apphost) to add arguments to.
    /// </summary>
    public static ProcessStartInfo Self()
    {
        var path = Environment.ProcessPath!;
        if (Path.GetFileNameWithoutExtension(path) != "dotnet") return new ProcessStartInfo(path);
        var psi = new ProcessStartInfo(path);
        psi.ArgumentList.Add(typeof(BenchProcess).Assembly.Location);
        return psi;
    }

    /// <summary>
    /// The peak resident memory of a running process in MB (Linux's <c>VmHWM</c>), or null where it cannot be read.
    /// </summary>
    public static double? PeakMb(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return double.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0],
                        System.Globalization.CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return null;
    }
}
