using System.Text.Json.Nodes;

namespace HyperTune.Cli.Tests;

/// <summary>
/// Issue 13's acceptance command, `hypertune run config/studies/pbt-toy.json --json`, on the real executable: the
/// paper's two-member population reaches what neither starting point can, through exploits between its members.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class PbtToyEndToEndTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_toy_population_reaches_q_of_1_19_and_shows_each_members_lineage()
    {
        var spec = Path.Combine(HypertuneProcess.RepositoryRoot, "config", "studies", "pbt-toy.json");
        var (code, stdout, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "run", spec, "--storage", "memory",
            "--json", "--trials");
        Assert.True(code == 0, stderr);
        var json = JsonNode.Parse(stdout)!;
        Assert.True((double)json["best"]!["value"]! >= 1.19, stdout);
        var trials = json["trialList"]!.AsArray().Select(t => t!).ToList();
        Assert.Equal(2, trials.Count);
        Assert.All(trials, t => Assert.Equal(("complete", 200L), ((string)t["state"]!, (long)t["lastStep"]!)));
        Assert.Equal(400, (long)json["steps"]!);
        // Started from h = (1, 0) and (0, 1), neither of which reaches 1.19: the best got there through exploits.
        var lineage = trials.SelectMany(t => t["lineage"]?.AsArray().Select(e => (Member: (int)t["number"]!, Entry: e!))
                                              ?? []).ToList();
        Assert.Contains(lineage, x => (int)x.Entry["donor"]! != x.Member);
        Assert.All(lineage, x =>
        {
            Assert.Equal(0, (long)x.Entry["step"]! % 4);
            Assert.NotNull(x.Entry["before"]!["h0"]);
            Assert.NotNull(x.Entry["after"]!["h1"]);
        });
    }

    [Fact]
    public async Task Replaying_the_best_members_schedule_from_scratch_trains_the_same_model()
    {
        var specPath = Path.Combine(HypertuneProcess.RepositoryRoot, "config", "studies", "pbt-toy.json");
        var storage = $"sqlite:{Path.Combine(_dir, "pbt.db")}";
        var (code, stdout, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "run", specPath, "--storage", storage,
            "--json");
        Assert.True(code == 0, stderr);
        var best = (double)JsonNode.Parse(stdout)!["best"]!["value"]!;

        (code, stdout, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "replay-schedule", "pbt-toy",
            "--storage", storage);
        Assert.True(code == 0, stderr);
        var fragment = JsonNode.Parse(stdout)!.AsObject();
        Assert.Equal("pbt-replay", (string?)fragment["scheduler"]!["type"]);
        Assert.True(fragment["scheduler"]!["schedule"]!.AsArray().Count > 1);

        // The study's objective, trainable and space with the fragment: one trial, trained with the schedule.
        var replay = JsonNode.Parse(File.ReadAllText(specPath))!.AsObject();
        foreach (var (name, value) in fragment) replay[name] = value!.DeepClone();
        replay["name"] = "pbt-toy-replay";
        var replayPath = Path.Combine(_dir, "replay.json");
        File.WriteAllText(replayPath, replay.ToJsonString());
        (code, stdout, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "run", replayPath, "--storage", "memory",
            "--json");
        Assert.True(code == 0, stderr);
        var replayed = JsonNode.Parse(stdout)!;
        Assert.Equal(1, (int)replayed["trials"]!["complete"]!);
        // The toy trains deterministically, so the replayed model is the best member's, to the last bit.
        Assert.Equal(best, (double)replayed["best"]!["value"]!);
    }

    [Fact]
    public async Task A_study_without_a_population_has_no_schedule_to_replay()
    {
        var specPath = Path.Combine(HypertuneProcess.RepositoryRoot, "config", "studies", "branin-random.json");
        var storage = $"sqlite:{Path.Combine(_dir, "plain.db")}";
        var (code, _, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "run", specPath, "--storage", storage,
            "--max-trials", "3");
        Assert.True(code == 0, stderr);
        var id = JsonNode.Parse(File.ReadAllText(specPath))!["name"]!.GetValue<string>();
        (code, _, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "replay-schedule", id,
            "--storage", storage);
        Assert.NotEqual(0, code);
        Assert.Contains("has no population schedule", stderr);
    }
}
