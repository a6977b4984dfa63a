using System.Diagnostics;

namespace HyperTune.Client.Tests;

/// <summary>A program using the C# API is killed mid-study and started again: the stored study resumes.</summary>
public sealed class ResumeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-client-resume-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string HarnessPath()
    {
        // tests/HyperTune.Client.Tests/bin/CONFIG/TFM/ -> tests/HyperTune.Client.Harness/bin/CONFIG/TFM/
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = here.Name;
        var config = here.Parent!.Name;
        var tests = here.Parent.Parent!.Parent!.Parent!.FullName;
        return Path.Combine(tests, "HyperTune.Client.Harness", "bin", config, tfm, "HyperTune.Client.Harness.dll");
    }

    private Process Start(int trials)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _dir,
        };
        foreach (var a in new[] { HarnessPath(), Path.Combine(_dir, "study.db"), trials.ToString(), "150" }) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    [Fact]
    public async Task A_study_resumes_after_its_process_is_killed()
    {
        const int trials = 24;
        using (var first = Start(trials))
        {
            // Kill -9 once a few trials have started.
            var started = 0;
            while (await first.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2)) is { } line)
                if (line.StartsWith("trial ", StringComparison.Ordinal) && ++started == 6) break;
            Assert.Equal(6, started);
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
        }
        using var second = Start(trials);
        var output = await second.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromMinutes(3));
        await second.WaitForExitAsync();
        Assert.True(second.ExitCode == 0, output + await second.StandardError.ReadToEndAsync());
        var numbers = output.Split('\n').Where(l => l.StartsWith("trial ", StringComparison.Ordinal))
            .Select(l => int.Parse(l[6..].Trim())).ToList();
        // The second run went on from the stored trials instead of starting over at trial 0...
        Assert.DoesNotContain(0, numbers);
        Assert.True(numbers.Count < trials, string.Join(",", numbers));
        // ...and finished the whole budget.
        var done = output.Split('\n').Single(l => l.StartsWith("done ", StringComparison.Ordinal)).Split(' ');
        Assert.Equal(trials, int.Parse(done[1]));
    }
}
