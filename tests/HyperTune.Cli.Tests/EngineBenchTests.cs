using System.Text.Json.Nodes;
using HyperTune.Cli.Commands.Bench;

namespace HyperTune.Cli.Tests;

/// <summary>`hypertune bench engine`: its figures from trial times, its cases, and a small run end to end.</summary>
public sealed class EngineBenchTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-bench-engine-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_figures_come_from_the_trials_times_and_the_growth_compares_the_last_tenth_with_the_first()
    {
        // 20 trials from 2 s after the process started: the first ten finish 10 ms apart, the last ten 30 ms apart.
        var trials = new List<(DateTimeOffset, DateTimeOffset)>();
        var at = T0.AddSeconds(2);
        for (var i = 0; i < 20; i++)
        {
            var next = at.AddMilliseconds(i < 10 ? 10 : 30);
            trials.Add((at, next));
            at = next;
        }
        var f = EngineFigures.From(trials, T0, wallSeconds: 3, peakMb: 100);
        Assert.Equal(20, f.Trials);
        Assert.Equal(2.0, f.StartupSeconds, 9);
        Assert.Equal(20 / 0.4, f.TrialsPerSecond, 6);
        // Tenths of 2 trials: the first two took 20 ms, the last two 60 ms.
        Assert.Equal(10.0, f.FirstTenthMs, 6);
        Assert.Equal(30.0, f.LastTenthMs, 6);
        Assert.Equal(3.0, f.Growth, 6);
        Assert.Throws<ArgumentException>(() => EngineFigures.From([], T0, 1, null));
    }

    [Fact]
    public void Cases_are_every_combination_and_an_unknown_name_or_size_is_refused_naming_the_option()
    {
        var cases = EngineBenchCommand.Cases("1000,10000", "random,tpe", "memory", "1,8");
        Assert.Equal(8, cases.Count);
        Assert.Equal("1000 random memory x1", cases[0].Name);
        Assert.Contains("--optimizers: unknown 'cmaes'",
            Assert.Throws<FormatException>(() => EngineBenchCommand.Cases("10", "cmaes", "memory", "1")).Message);
        Assert.Contains("--trials: '0'",
            Assert.Throws<FormatException>(() => EngineBenchCommand.Cases("0", "random", "memory", "1")).Message);
    }

    [Fact]
    [Trait("Category", "EndToEnd")]
    public async Task A_small_run_measures_a_real_study_and_writes_its_figures()
    {
        var output = Path.Combine(_dir, "engine.json");
        var (code, stdout, stderr) = await HypertuneProcess.RunAsync(_dir, TimeSpan.FromMinutes(3), "bench", "engine",
            "--trials", "40", "--optimizers", "random", "--storages", "sqlite", "--parallelism", "2", "--out", output);
        Assert.True(code == 0, stderr);
        Assert.Contains("40 random sqlite x2", stdout);
        Assert.Contains("goal (40 random sqlite x2: at least 2,000 trials/s):", stdout);
        var ours = JsonNode.Parse(File.ReadAllText(output))!["cases"]!.AsArray().Single()!["ours"]!;
        Assert.Equal(40, (int)ours["trials"]!);
        Assert.InRange((double)ours["trials_per_second"]!, 0.1, 1e6);
        Assert.InRange((double)ours["startup_seconds"]!, 0.01, 120);
        Assert.InRange((double)ours["peak_mb"]!, 10, 4096);
        Assert.True((double)ours["wall_seconds"]! > (double)ours["startup_seconds"]!);
        // The child's own CPU time: a .NET start-up alone takes a good fraction of a second of it.
        Assert.InRange((double)ours["cpu_seconds"]!, 0.1, 600);
    }
}
