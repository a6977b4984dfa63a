using System.Text.Json;

namespace HyperTune.Cli.Tests;

/// <summary>`hypertune bench schedulers` as a user runs it: results file, the embedded reference, bad names.</summary>
[Trait("Category", "EndToEnd")]
public sealed class BenchSchedulersEndToEndTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-bench-schedulers-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_small_run_writes_the_results_and_shows_optunas_figures_and_the_goals()
    {
        var output = Path.Combine(_dir, "results.json");
        var (code, stdout, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "bench", "schedulers", "--budget-runs", "3",
            "--seeds", "2", "--setups", "random,tpe", "--problems", "lc-mixed", "--parallelism", "2", "--out", output);
        Assert.True(code == 0, stderr);
        // The embedded Optuna figures are for 30 runs and 10 seeds: shown, with a warning.
        Assert.Contains("it was run with budget 30 runs, this run has 3", stderr);
        Assert.Contains("Optuna 3.1.0: tpe+sha", stdout);
        Assert.Contains("Goal: our best at or below Optuna 3.1.0's best", stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(output));
        Assert.Equal(2, doc.RootElement.GetProperty("parallelism").GetInt32());
        var tpe = doc.RootElement.GetProperty("results").GetProperty("lc-mixed").GetProperty("tpe");
        Assert.Equal(2, tpe.GetProperty("regrets").GetArrayLength());
        Assert.True(tpe.GetProperty("utilization").GetDouble() is > 0 and <= 1);
    }

    [Fact]
    public async Task Unknown_setups_and_problems_are_refused_with_exit_code_2()
    {
        var (code, stdout, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "bench", "schedulers", "--setups", "tpe+ashaa");
        Assert.Equal(2, code);
        Assert.Contains("unknown setup 'tpe+ashaa'", stderr);
        Assert.Contains("did you mean 'tpe+asha'?", stderr);
        Assert.Equal("", stdout);
        var (problemCode, _, problemErr) = await HypertuneProcess.RunAsync(_dir, Timeout, "bench", "schedulers", "--problems", "branin");
        Assert.Equal(2, problemCode);
        Assert.Contains("unknown problem 'branin'; known: mf-branin, mf-hartmann6, lc-crossing, lc-mixed", problemErr);
    }
}
