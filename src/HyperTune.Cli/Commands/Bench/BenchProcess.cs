using System.Diagnostics;
using System.Text.Json.Nodes;

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
    /// Runs one of the benchmarks' embedded Python scripts (<paramref name="script"/>, written to
    /// <paramref name="directory"/>) with <c>/usr/bin/python3</c> and returns the JSON it prints; null, with the reason
    /// on <paramref name="log"/> after <paramref name="what"/>, when Python, Optuna or the script fails.
    /// </summary>
    public static async Task<JsonNode?> RunPythonAsync(string script, string directory, IEnumerable<string> args,
        string what, TextWriter log, CancellationToken ct)
    {
        var path = Path.Combine(directory, script);
        await using (var resource = typeof(BenchProcess).Assembly.GetManifestResourceStream(script)!)
        await using (var file = File.Create(path))
            await resource.CopyToAsync(file, ct);
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(path);
        foreach (var a in args) psi.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(psi)!;
            var output = process.StandardOutput.ReadToEndAsync(ct);
            var error = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            if (process.ExitCode == 0) return JsonNode.Parse(await output);
            log.WriteLine($"{what}: skipped ({(await error).Trim().Split('\n')[^1]})");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            log.WriteLine($"{what}: skipped (/usr/bin/python3: {e.Message})");
        }
        return null;
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
