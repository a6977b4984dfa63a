using System.Text.Json.Nodes;

namespace HyperTune.Cli.Tests;

/// <summary>
/// The PyTorch example of population-based training (config/studies/pbt-torch.json) on the real executable: a real
/// network trained in steps by a process, members exchanging checkpoints. Needs Debian's python3-torch for
/// /usr/bin/python3, which .ci/run installs.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class PbtTorchEndToEndTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(6);
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_population_of_pytorch_networks_exchanges_checkpoints_and_reaches_a_good_accuracy()
    {
        Assert.True(File.Exists("/usr/bin/python3"), "needs /usr/bin/python3 with python3-torch (apt-get install python3-torch)");
        // The example as it is, its script's path made absolute so that checkpoints go to this test's directory.
        var example = JsonNode.Parse(File.ReadAllText(Path.Combine(HypertuneProcess.RepositoryRoot, "config", "studies",
            "pbt-torch.json")))!;
        var args = example["trainable"]!["args"]!.AsArray();
        args[0] = Path.Combine(HypertuneProcess.RepositoryRoot, (string)args[0]!);
        var spec = Path.Combine(_dir, "pbt-torch.json");
        File.WriteAllText(spec, example.ToJsonString());
        // Four members of the example's eight, two at a time: the same mechanics in half the time.
        var (code, stdout, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "run", spec,
            "--storage", "memory", "--max-trials", "4", "--parallelism", "2", "--json", "--trials");
        Assert.True(code == 0, stderr);
        var json = JsonNode.Parse(stdout)!;
        var trials = json["trialList"]!.AsArray().Select(t => t!).ToList();
        Assert.True(trials.All(t => (string?)t["state"] == "complete"), stdout);
        Assert.All(trials, t => Assert.Equal(40L, (long)t["lastStep"]!));
        // The digits' validation accuracy of a tuned 64-32-10 network is about 0.97; a broken exploit (a member
        // restarted from nothing, or from a wrong checkpoint) would not leave every member near it.
        Assert.True((double)json["best"]!["value"]! >= 0.93, stdout);
        Assert.Contains(trials, t => t["lineage"]?.AsArray().Any(e => (int)e!["donor"]! != (int)t["number"]!) == true);
        Assert.True((double)trials.Single(t => (int)t["number"]! == (int)json["best"]!["number"]!)["metrics"]!["test_accuracy"]! >= 0.9);
    }
}
