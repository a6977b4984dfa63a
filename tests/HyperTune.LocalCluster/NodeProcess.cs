using System.Diagnostics;

namespace HyperTune.LocalCluster;

/// <summary>How to start one <c>hypertune node</c> process.</summary>
/// <param name="Name">A name for logs (<c>a</c>, <c>worker-1</c>...).</param>
/// <param name="Port">Cluster port on 127.0.0.1.</param>
/// <param name="HttpPort">HTTP API port on 127.0.0.1.</param>
/// <param name="SeedNodes">Seed addresses.</param>
/// <param name="Roles">Roles, e.g. <c>coordinator,worker</c>.</param>
/// <param name="Slots">Worker slots.</param>
/// <param name="Storage">The <c>--storage</c> value.</param>
public sealed record NodeProcessOptions(string Name, int Port, int HttpPort, IReadOnlyList<string> SeedNodes, string Roles, int Slots, string Storage)
{
    /// <summary>The API key and cluster certificate the node runs with (null: an open API, remoting without TLS).</summary>
    public ClusterSecrets? Secrets { get; init; }

    /// <summary>Programs its process trainables may start (<c>HYPERTUNE_ALLOWED_COMMANDS</c>); none when empty.</summary>
    public IReadOnlyList<string> AllowedCommands { get; init; } = Array.Empty<string>();

    /// <summary>
    /// HOCON of this node's own (a checkpoint root, a checkpoint store...), written to a file added to the
    /// <c>HYPERTUNE_CONFIG</c> files the node reads; null: none.
    /// </summary>
    public string? Config { get; init; }

    /// <summary>The node's cluster address.</summary>
    public string Address => $"akka.tcp://hypertune@127.0.0.1:{Port}";
}

/// <summary>
/// A <c>hypertune node</c> child process on loopback. Its stderr goes to a log file; it can be killed (SIGKILL) or
/// stopped gracefully (SIGTERM), and started again with the same options, as an operator would.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private NodeProcess(NodeProcessOptions options, Process process, StreamWriter log, string logPath)
    {
        Options = options;
        _process = process;
        _log = log;
        LogPath = logPath;
    }

    /// <summary>The options it runs with.</summary>
    public NodeProcessOptions Options { get; }

    /// <summary>The log file (stderr and stdout of the process).</summary>
    public string LogPath { get; }

    /// <summary>The HTTP API address (<c>127.0.0.1:PORT</c>).</summary>
    public string Http => $"127.0.0.1:{Options.HttpPort}";

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>
    /// Starts <c>dotnet HYPERTUNE_DLL node ...</c> in <paramref name="workingDirectory"/>; logs go to
    /// <c>{workingDirectory}/{name}.log</c> (appended, so a restarted node keeps one file).
    /// </summary>
    public static NodeProcess Start(string hypertuneDll, NodeProcessOptions o, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
                 {
                     hypertuneDll, "node", "--port", o.Port.ToString(), "--http", $"127.0.0.1:{o.HttpPort}",
                     "--seed-nodes", string.Join(',', o.SeedNodes), "--roles", o.Roles, "--slots", o.Slots.ToString(),
                     "--storage", o.Storage, "--join-timeout", "120",
                 })
            psi.ArgumentList.Add(a);
        if (o.Secrets is { } secrets)
        {
            psi.Environment["HYPERTUNE_API_KEY"] = secrets.ApiKey;
            psi.Environment["HYPERTUNE_CLUSTER_CERT"] = secrets.ClusterCertificate;
        }
        if (o.AllowedCommands.Count > 0) psi.Environment["HYPERTUNE_ALLOWED_COMMANDS"] = string.Join(',', o.AllowedCommands);
        if (environment is not null) foreach (var (k, v) in environment) psi.Environment[k] = v;
        if (o.Config is { } config)
        {
            var file = Path.Combine(workingDirectory, $"{o.Name}.node.conf");
            File.WriteAllText(file, config);
            var inherited = psi.Environment.TryGetValue("HYPERTUNE_CONFIG", out var files) ? files : null;
            psi.Environment["HYPERTUNE_CONFIG"] = string.IsNullOrEmpty(inherited) ? file : $"{inherited},{file}";
        }
        var logPath = Path.Combine(workingDirectory, $"{o.Name}.log");
        var log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        log.WriteLine($"===== starting node {o.Name} ({o.Address}) at {DateTime.UtcNow:HH:mm:ss.fff} =====");
        var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new NodeProcess(o, process, log, logPath);
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null) return;
        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>kill -9: the node dies at once, as in a crash.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    /// <summary>SIGSTOP: the process freezes (as in a long pause, a VM suspended) until <see cref="Thaw"/>.</summary>
    public void Freeze() => Signal("STOP");

    /// <summary>SIGCONT: a frozen process runs again, unaware that time passed.</summary>
    public void Thaw() => Signal("CONT");

    private void Signal(string signal)
    {
        var psi = new ProcessStartInfo("kill", $"-{signal} {_process.Id}") { UseShellExecute = false };
        using var kill = Process.Start(psi)!;
        kill.WaitForExit();
        if (kill.ExitCode != 0)
            throw new InvalidOperationException($"kill -{signal} {_process.Id} (node {Options.Name}) failed");
    }

    /// <summary>SIGTERM: the node leaves the cluster gracefully. Waits for it to exit.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited) return;
        using (var kill = Process.Start(new ProcessStartInfo("kill", $"-TERM {_process.Id}") { UseShellExecute = false }))
            await kill!.WaitForExitAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"node {Options.Name} did not leave within {timeout}; killed it");
        }
    }

    /// <summary>The log so far.</summary>
    public string ReadLog()
    {
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    /// <summary>Kills the process if it still runs (a frozen one too: SIGKILL needs no thaw).</summary>
    public ValueTask DisposeAsync()
    {
        Kill();
        lock (_log) _log.Dispose();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
