using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace HyperTune.Cli.Tests;

/// <summary>
/// The example script config/studies/scripts/train_checkpointed.py run with python3 as a process trainable runs it:
/// stop at a step, resume from that step's checkpoint, stop on SIGTERM.
/// </summary>
public sealed class CheckpointedScriptTests : IDisposable
{
    private static readonly string Script =
        Path.Combine(HypertuneProcess.RepositoryRoot, "config", "studies", "scripts", "train_checkpointed.py");

    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Process Start(string checkpoints, int? resume, int? stopAt, double stepSeconds)
    {
        var psi = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { Script, "--lr", "0.1", "--momentum", "0.5", "--weightDecay", "1e-4", "--epochs", "27",
                     "--step-seconds", stepSeconds.ToString(CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        psi.Environment["HYPERTUNE_CHECKPOINT_DIR"] = Path.Combine(_dir, checkpoints);
        if (resume is { } r) psi.Environment["HYPERTUNE_RESUME_STEP"] = r.ToString(CultureInfo.InvariantCulture);
        if (stopAt is { } s) psi.Environment["HYPERTUNE_STOP_AT_STEP"] = s.ToString(CultureInfo.InvariantCulture);
        return Process.Start(psi)!;
    }

    /// <summary>Runs the script to its end; returns the reported (step, loss text) pairs.</summary>
    private async Task<List<(int Step, string Loss)>> RunAsync(string checkpoints, int? resume = null, int? stopAt = null)
    {
        using var process = Start(checkpoints, resume, stopAt, stepSeconds: 0);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, await stderr);
        return Reports(await stdout);
    }

    private static List<(int Step, string Loss)> Reports(string stdout) =>
        Regex.Matches(stdout, @"^hypertune-report step=(\d+) loss=(\S+)$", RegexOptions.Multiline)
            .Select(m => (int.Parse(m.Groups[1].Value), m.Groups[2].Value)).ToList();

    [Fact]
    public async Task Stopped_at_a_step_and_resumed_from_it_it_reports_what_an_uninterrupted_run_reports()
    {
        var whole = await RunAsync("whole");
        Assert.Equal(Enumerable.Range(1, 27), whole.Select(r => r.Step));

        var first = await RunAsync("paused", stopAt: 9);
        Assert.Equal(Enumerable.Range(1, 9), first.Select(r => r.Step));
        // The checkpoint of the last reported step is there to resume from.
        Assert.True(File.Exists(Path.Combine(_dir, "paused", "step-9.json")));

        var second = await RunAsync("paused", resume: 9, stopAt: 18);
        Assert.Equal(Enumerable.Range(10, 9), second.Select(r => r.Step));
        var third = await RunAsync("paused", resume: 18);
        Assert.Equal(Enumerable.Range(19, 9), third.Select(r => r.Step));

        // Resumed from checkpoints, the model trained exactly as without the pauses.
        Assert.Equal(whole, first.Concat(second).Concat(third));
    }

    [Fact]
    public async Task Resumed_without_its_checkpoint_it_rebuilds_the_state_and_continues_after_the_step()
    {
        var whole = await RunAsync("whole");
        var resumed = await RunAsync("empty", resume: 5);
        Assert.Equal(whole.Skip(5), resumed);
    }

    [Fact]
    public async Task A_SIGTERM_stops_it_before_its_next_step()
    {
        // One step every 2 s: a run to the end would take almost a minute.
        using var process = Start("slow", resume: null, stopAt: null, stepSeconds: 2);
        var first = await process.StandardOutput.ReadLineAsync();
        Assert.StartsWith("hypertune-report step=1 ", first);
        var rest = process.StandardOutput.ReadToEndAsync();
        using (var kill = Process.Start(new ProcessStartInfo("kill", $"-15 {process.Id}") { UseShellExecute = false })!)
            await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await process.WaitForExitAsync(timeout.Token);
        Assert.NotEqual(0, process.ExitCode);
        Assert.DoesNotContain("step=3", await rest);
    }
}
