using System.Diagnostics;
using System.Globalization;

namespace HyperTune.Client.Tests;

/// <summary>The C# API sample of docs/csharp-api.md runs and prints its best trial and test score.</summary>
public sealed class SampleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-sample-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_digits_sample_prints_the_best_trial_and_its_test_accuracy()
    {
        // tests/HyperTune.Client.Tests/bin/CONFIG/TFM/ -> docs/samples/DigitsLightGbm/bin/CONFIG/TFM/
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var root = here.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var sample = Path.Combine(root, "docs", "samples", "DigitsLightGbm", "bin", here.Parent.Name, here.Name,
            "DigitsLightGbm.dll");
        // Run from the repository root (the sample finds config/studies/data from there), storing in a temp folder.
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _dir,
        };
        psi.ArgumentList.Add(sample);
        psi.ArgumentList.Add("3");
        Directory.CreateDirectory(Path.Combine(_dir, "config", "studies"));
        Directory.CreateSymbolicLink(Path.Combine(_dir, "config", "studies", "data"), Path.Combine(root, "config", "studies", "data"));
        using var process = Process.Start(psi)!;
        var stdout = await process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromMinutes(4));
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, stdout + await process.StandardError.ReadToEndAsync());
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 2, stdout);
        Assert.StartsWith("best trial ", lines[0]);
        Assert.Contains("cross-validated accuracy 0.9", lines[0]);
        var test = double.Parse(lines[1].Split(' ')[2], CultureInfo.InvariantCulture);
        Assert.InRange(test, 0.9, 1.0);
        Assert.True(File.Exists(Path.Combine(_dir, "hypertune-data", "digits-model.zip")));
    }
}
