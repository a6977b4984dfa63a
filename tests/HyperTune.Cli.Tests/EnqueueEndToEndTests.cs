using System.Text.Json.Nodes;

namespace HyperTune.Cli.Tests;

/// <summary>
/// `hypertune run --enqueue`: known-good configurations run first, exactly once, then the optimizer's.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class EnqueueEndToEndTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-enqueue-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Example =>
        Path.Combine(HypertuneProcess.RepositoryRoot, "config", "studies", "branin-random.json");

    [Fact]
    public async Task Enqueued_configurations_are_the_first_trials_and_run_once()
    {
        var file = Path.Combine(_dir, "good.json");
        // Two of Branin's three global minima (value 0.397887).
        File.WriteAllText(file, "[{\"x\": 3.14159265, \"y\": 2.275}, {\"x\": 9.42477796, \"y\": 2.475}]");
        var (code, stdout, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "run", Example,
            "--max-trials", "6", "--enqueue", file, "--json", "--trials");
        Assert.True(code == 0, stderr);
        var json = JsonNode.Parse(stdout)!;
        var trials = json["trialList"]!.AsArray();
        Assert.Equal(6, trials.Count);
        Assert.Equal(3.14159265, (double)trials[0]!["params"]!["x"]!);
        Assert.Equal(2.475, (double)trials[1]!["params"]!["y"]!);
        Assert.Equal("true", (string?)trials[0]!["attributes"]!["enqueued"]);
        Assert.Equal(2, trials.Count(t => t!["attributes"]?["enqueued"] is not null));
        Assert.InRange((double)json["best"]!["value"]!, 0.397, 0.3981);
        Assert.Contains((int)json["best"]!["number"]!, new[] { 0, 1 });

        // Resumed with a larger budget and no --enqueue: nothing enqueued runs again.
        var (again, more, moreErr) = await HypertuneProcess.RunAsync(_dir, Timeout, "run", Example,
            "--max-trials", "9", "--json", "--trials");
        Assert.True(again == 0, moreErr);
        Assert.Equal(2, JsonNode.Parse(more)!["trialList"]!.AsArray()
            .Count(t => t!["attributes"]?["enqueued"] is not null));
    }

    [Fact]
    public async Task A_configuration_outside_the_space_is_refused_before_anything_runs()
    {
        var file = Path.Combine(_dir, "bad.json");
        File.WriteAllText(file, "{\"x\": 1, \"y\": 99}");
        var (code, _, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "run", Example, "--enqueue", file);
        Assert.Equal(2, code);
        Assert.Contains("--enqueue.y", stderr);
        Assert.False(Directory.Exists(Path.Combine(_dir, "hypertune-data")), "a refused run created a store");
    }
}
