using System.Text.Json.Nodes;

namespace HyperTune.Cli.Tests;

/// <summary>`hypertune run --json` on a real study whose trials report steps: the early-stopping fields are there.</summary>
[Trait("Category", "EndToEnd")]
public sealed class EarlyStoppingRunEndToEndTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The branin example with trials that report <paramref name="steps"/> steps each.</summary>
    private string SteppedSpec(int trials, int steps)
    {
        var example = Path.Combine(HypertuneProcess.RepositoryRoot, "config", "studies", "branin-random.json");
        var spec = JsonNode.Parse(File.ReadAllText(example))!.AsObject();
        spec["trainable"]!["steps"] = steps;
        spec["budget"]!["maxTrials"] = trials;
        var path = Path.Combine(_dir, "stepped.json");
        File.WriteAllText(path, spec.ToJsonString());
        return path;
    }

    [Fact]
    public async Task The_json_of_a_run_counts_paused_trials_and_steps_and_gives_each_trials_last_step()
    {
        const int trials = 6, steps = 4;
        var (code, stdout, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "run", SteppedSpec(trials, steps),
            "--storage", "memory", "--json", "--trials");
        Assert.True(code == 0, stderr);
        var json = JsonNode.Parse(stdout)!;

        Assert.Equal(trials, (int)json["trials"]!["complete"]!);
        Assert.Equal(0, (int)json["trials"]!["paused"]!);
        var list = json["trialList"]!.AsArray();
        Assert.Equal(trials, list.Count);
        Assert.All(list, t => Assert.Equal(steps, (long)t!["lastStep"]!));
        // Steps spent: each trial's last step, summed (no trial stopped early without a scheduler).
        Assert.Equal(list.Sum(t => (long)t!["lastStep"]!), (long)json["steps"]!);
        Assert.Equal(trials * steps, (long)json["steps"]!);
        // The spec's scheduler ("none") has no rungs: an empty list, not a missing field.
        Assert.Empty(json["rungs"]!.AsArray());
    }

    [Fact]
    public async Task The_human_report_of_a_run_gives_the_steps_spent_and_each_top_trials_last_step()
    {
        const int trials = 5, steps = 3;
        var (code, stdout, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "run", SteppedSpec(trials, steps),
            "--storage", "memory");
        Assert.True(code == 0, stderr);
        Assert.Contains($"{trials * steps} training steps spent", stdout);
        var header = stdout.Split('\n').First(l => l.Contains('│') && l.Contains("value"));
        Assert.Contains("step", header);
        Assert.DoesNotContain("Rungs", stdout);
    }
}
