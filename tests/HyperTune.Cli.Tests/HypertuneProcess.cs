using System.Diagnostics;
using System.Text;

namespace HyperTune.Cli.Tests;

/// <summary>Runs the real <c>hypertune</c> executable (built beside the tests) as a child process.</summary>
public sealed class HypertuneProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly List<string> _stderrLines = new();

    /// <summary>The repository root (where HyperTune.Cluster.sln is).</summary>
    public static string RepositoryRoot => LocalCluster.RepositoryRoot.Path;

    // Tests started in the background by a shell without job control (nohup, `cmd &` in a script) inherit SIGINT as
    // ignored, and so does every child they start; .NET then leaves it ignored, and the Ctrl-C test's signal was
    // lost (the run went on to exit 0). Such children start through GNU env, which restores the default first.
    private static readonly bool SigintIgnored = IsSigintIgnored();

    private HypertuneProcess(string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var psi = new ProcessStartInfo(SigintIgnored ? "env" : "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // Closed at once: a command that would ask on a terminal (study delete) sees no terminal, as in CI.
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (SigintIgnored)
        {
            psi.ArgumentList.Add("--default-signal=INT");
            psi.ArgumentList.Add("dotnet");
        }
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "hypertune.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        // Null removes a variable the tests themselves may have (HYPERTUNE_API_KEY of an operator's shell).
        if (environment is not null)
            foreach (var (name, value) in environment)
                if (value is null) psi.Environment.Remove(name);
                else psi.Environment[name] = value;
        _process = new Process { StartInfo = psi };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_stdout) _stdout.AppendLine(e.Data);
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_stderr)
            {
                _stderr.AppendLine(e.Data);
                _stderrLines.Add(e.Data);
            }
        };
        _process.Start();
        _process.StandardInput.Close();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Starts <c>hypertune ARGS</c> in a directory.</summary>
    public static HypertuneProcess Start(string workingDirectory, params string[] args) => new(workingDirectory, args);

    /// <summary>Starts <c>hypertune ARGS</c> in a directory with environment variables set (null: removed).</summary>
    public static HypertuneProcess Start(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        new(workingDirectory, args, environment);

    /// <summary>Runs to the end with environment variables set (null: removed); returns exit code, stdout and stderr.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string?> environment,
        TimeSpan timeout, params string[] args)
    {
        using var p = Start(workingDirectory, environment, args);
        var code = await p.WaitAsync(timeout);
        return (code, p.Stdout, p.Stderr);
    }

    /// <summary>Runs to the end and returns exit code, stdout and stderr.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        using var p = Start(workingDirectory, args);
        var code = await p.WaitAsync(timeout);
        return (code, p.Stdout, p.Stderr);
    }

    public int Id => _process.Id;

    public string Stdout
    {
        get
        {
            lock (_stdout) return _stdout.ToString();
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr) return _stderr.ToString();
        }
    }

    /// <summary>Waits for a stderr line matching a condition.</summary>
    public async Task<string> WaitForStderrAsync(Func<string, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var seen = 0;
        while (DateTime.UtcNow < deadline)
        {
            lock (_stderr)
            {
                for (; seen < _stderrLines.Count; seen++)
                    if (condition(_stderrLines[seen])) return _stderrLines[seen];
            }
            if (_process.HasExited) throw new InvalidOperationException($"hypertune exited ({_process.ExitCode}) before the expected output; stderr:\n{Stderr}");
            await Task.Delay(50);
        }
        throw new TimeoutException($"no matching stderr line within {timeout}; stderr:\n{Stderr}");
    }

    /// <summary>Waits for exit; kills and fails after the timeout.</summary>
    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"hypertune did not finish within {timeout}; stderr:\n{Stderr}");
        }
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Sends a POSIX signal (SIGKILL = 9, SIGINT = 2, SIGTERM = 15).</summary>
    public void Signal(int signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", $"-{signal} {_process.Id}") { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    /// <summary>Whether this process ignores SIGINT (bit 2 of the SigIgn mask in /proc/self/status; false elsewhere).</summary>
    private static bool IsSigintIgnored()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return false;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null
               && ulong.TryParse(line["SigIgn:".Length..].Trim(), System.Globalization.NumberStyles.HexNumber, null, out var mask)
               && (mask & (1UL << (2 - 1))) != 0;
    }
}
