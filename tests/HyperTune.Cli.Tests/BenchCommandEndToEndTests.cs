namespace HyperTune.Cli.Tests;

/// <summary>`hypertune bench optimizers` comparing runs, as a user checks the parallel-quality goal.</summary>
[Trait("Category", "EndToEnd")]
public sealed class BenchCommandEndToEndTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-bench-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] Small = { "bench", "optimizers", "--budget", "6", "--seeds", "2", "--first-seed", "5", "--optimizers", "random", "--problems", "branin" };

    [Fact]
    public async Task A_baseline_of_the_same_studies_gives_ratios_and_one_of_other_studies_is_refused()
    {
        var sequential = Path.Combine(_dir, "seq.json");
        var (code, _, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, Small.Append("--out").Append(sequential).ToArray());
        Assert.True(code == 0, stderr);

        var (parCode, parOut, parErr) = await HypertuneProcess.RunAsync(_dir, Timeout, Small.Concat(new[] { "--pending", "3", "--baseline", sequential }).ToArray());
        Assert.True(parCode == 0, parErr);
        Assert.Contains("seeds 5..6, 3 trial(s) in flight", parOut);
        Assert.Matches(@"random: within 1\.2x of the baseline on [01]/1 \(the interval lies wholly above 1\.2 on [01]/1 and wholly at or below it on [01]/1\), geometric mean of the ratios \d", parOut);
        Assert.Contains("90% interval of each ratio", parOut);

        var (otherCode, otherOut, otherErr) = await HypertuneProcess.RunAsync(_dir, Timeout,
            new[] { "bench", "optimizers", "--budget", "6", "--seeds", "2", "--optimizers", "random", "--problems", "branin", "--baseline", sequential });
        Assert.Equal(2, otherCode);
        Assert.Contains("its seeds start at 5, this run's at 0", otherErr);
        Assert.Equal("", otherOut);

        // A reference of another budget is compared with a warning (the Optuna anchor is for budget 100).
        var (refCode, refOut, refErr) = await HypertuneProcess.RunAsync(_dir, Timeout,
            Small.Select(a => a == "6" ? "7" : a).Concat(new[] { "--reference", sequential }).ToArray());
        Assert.True(refCode == 0, refErr);
        Assert.Contains("warning: --reference", refErr);
        Assert.Contains("it was run with budget 6, this run has 7", refErr);
        Assert.Contains("best-of-ours beats best Optuna", refOut);
    }
}
