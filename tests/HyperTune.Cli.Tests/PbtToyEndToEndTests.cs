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
}
