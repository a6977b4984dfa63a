using System.Text.Json.Nodes;

namespace HyperTune.Cli.Tests;

/// <summary>The ML.NET example of config/studies through <c>hypertune run</c>, from another working directory.</summary>
[Trait("Category", "EndToEnd")]
public sealed class MlNetEndToEndTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_digits_study_prints_cross_validated_and_test_accuracy_and_saves_the_model()
    {
        var spec = Path.Combine(HypertuneProcess.RepositoryRoot, "config", "studies", "digits-lightgbm.json");
        // Run from a temporary folder: the spec's data paths are relative to the spec, not to the working directory.
        var (code, stdout, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "run", spec, "--max-trials", "4",
            "--json", "--trials");
        Assert.True(code == 0, stderr);
        var json = JsonNode.Parse(stdout)!;
        var best = json["best"]!;
        var refit = json["refit"]!;
        Assert.Equal((int)best["number"]!, (int)refit["trial"]!);
        Assert.Equal((double)best["value"]!, (double)refit["crossValidatedValue"]!);
        Assert.InRange((double)best["value"]!, 0.85, 1.0);
        Assert.InRange((double)refit["test"]!["accuracy"]!, 0.85, 1.0);
        Assert.Equal(450, (int)refit["testRows"]!);
        Assert.Equal(1347, (int)refit["trainRows"]!);
        Assert.True(File.Exists((string)refit["modelPath"]!), stdout);
        // The node's worker refitted it as the study finished (not a second training here).
        Assert.Equal(("complete", "the study finished"), ((string)refit["status"]!, (string)refit["reason"]!));
        Assert.Equal(Path.Combine(_dir, "hypertune-data", "artifacts", "digits-lightgbm", "model.zip"),
            (string)refit["modelPath"]!);
        // Each trial reports its folds: the mean as the value, the spread and each fold's score as metrics.
        var trial = json["trialList"]!.AsArray().First(t => (string)t!["state"]! == "complete")!;
        Assert.NotNull(trial["metrics"]!["accuracy_std"]);
        Assert.NotNull(trial["metrics"]!["accuracy_fold5"]);
    }

    [Fact]
    public async Task A_stored_study_is_refitted_again_from_the_store_and_through_a_node_with_the_same_test_score()
    {
        var spec = Path.Combine(HypertuneProcess.RepositoryRoot, "config", "studies", "digits-lightgbm.json");
        var store = Path.Combine(_dir, "data", "store.db");
        var (code, stdout, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "run", spec, "--max-trials", "3",
            "--storage", $"sqlite:{store}", "--json");
        Assert.True(code == 0, stderr);
        var first = JsonNode.Parse(stdout)!["refit"]!;
        var artifacts = Path.Combine(_dir, "data", "artifacts", "digits-lightgbm");
        Directory.Delete(artifacts, recursive: true);

        // From the store: the same trial refitted to the same test score, the model saved again.
        var (refitCode, refitOut, refitErr) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "refit",
            "digits-lightgbm", "--storage", $"sqlite:{store}", "--json");
        Assert.True(refitCode == 0, refitErr);
        var again = JsonNode.Parse(refitOut)!;
        Assert.Equal((int)first["trial"]!, (int)again["trial"]!);
        Assert.Equal((double)first["test"]!["accuracy"]!, (double)again["test"]!["accuracy"]!);
        Assert.True(File.Exists(Path.Combine(artifacts, "model.zip")));
        // `study show` gives the recorded refit with the study.
        var (showCode, show, showErr) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "show",
            "digits-lightgbm", "--storage", $"sqlite:{store}");
        Assert.True(showCode == 0, showErr);
        Assert.Contains("test (450 rows, seen once): accuracy", show);

        // Through a node on the same store: a worker of the cluster refits it (the study records it), or, with
        // --local, this machine does, the spec coming from the node's API.
        var http = HyperTune.LocalCluster.LoopbackPorts.ReserveOne();
        var config = Path.Combine(_dir, "node.conf");
        await File.WriteAllTextAsync(config,
            "hypertune.trainables.mlnet.data-roots = [" +
            System.Text.Json.JsonSerializer.Serialize(Path.Combine(Path.GetDirectoryName(spec)!, "data")) + "]\n" +
            "hypertune.worker.artifacts-root = " + System.Text.Json.JsonSerializer.Serialize(Path.Combine(_dir, "node")));
        using (var node = HypertuneProcess.Start(_dir, "node", "--port", "0", "--storage", $"sqlite:{store}",
                   "--http", $"127.0.0.1:{http}", "--config", config))
        {
            await node.WaitForStderrAsync(l => l.Contains(" up: roles", StringComparison.Ordinal), Timeout);
            var (nodeCode, nodeOut, nodeErr) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "refit",
                "digits-lightgbm", "--node", $"127.0.0.1:{http}", "--json");
            Assert.True(nodeCode == 0, nodeErr);
            var onNode = JsonNode.Parse(nodeOut)!;
            Assert.Equal(("complete", "asked for by an operator"), ((string)onNode["status"]!, (string)onNode["reason"]!));
            Assert.Equal((double)first["test"]!["accuracy"]!, (double)onNode["test"]!["accuracy"]!);
            Assert.Equal(Path.Combine(_dir, "node", "digits-lightgbm", "model.zip"), (string)onNode["modelPath"]!);
            Assert.True(File.Exists((string)onNode["modelPath"]!));
            // The study document carries it: `study show --node` prints it.
            var (showNodeCode, showNode, _) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "show",
                "digits-lightgbm", "--node", $"127.0.0.1:{http}");
            Assert.Equal(0, showNodeCode);
            Assert.Contains($"refit of trial #{(int)first["trial"]!} on ", showNode);
            Assert.Contains($"accuracy {(double)first["test"]!["accuracy"]!:G6}", showNode);
            // `study watch` of a finished study whose refit is done ends with both.
            var (watchCode, watch, _) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "watch",
                "digits-lightgbm", "--node", $"127.0.0.1:{http}");
            Assert.Equal(0, watchCode);
            Assert.Contains("digits-lightgbm finished: trial budget reached", watch);
            Assert.Contains("test (450 rows, seen once): accuracy", watch);

            (nodeCode, nodeOut, nodeErr) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "refit",
                "digits-lightgbm", "--node", $"127.0.0.1:{http}", "--local", "--out", Path.Combine(_dir, "remote"));
            Assert.True(nodeCode == 0, nodeErr);
            Assert.Contains($"accuracy {(double)first["test"]!["accuracy"]!:G6}", nodeOut);
            Assert.True(File.Exists(Path.Combine(_dir, "remote", "model.zip")));
            node.Signal(15);
            await node.WaitAsync(Timeout);
        }

        // A study without a model to refit says so.
        var branin = Path.Combine(HypertuneProcess.RepositoryRoot, "config", "studies", "branin-random.json");
        (code, _, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "run", branin, "--max-trials", "2",
            "--storage", $"sqlite:{store}");
        Assert.True(code == 0, stderr);
        var (noModelCode, _, noModelErr) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "refit",
            "branin-random", "--storage", $"sqlite:{store}");
        Assert.Equal(2, noModelCode);
        Assert.Contains("only ML.NET studies", noModelErr);
    }

    [Fact]
    public async Task A_missing_data_file_is_refused_before_any_trial()
    {
        var spec = Path.Combine(_dir, "bad.json");
        var text = await File.ReadAllTextAsync(Path.Combine(HypertuneProcess.RepositoryRoot, "config", "studies", "digits-lightgbm.json"));
        await File.WriteAllTextAsync(spec, text);
        var (code, _, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "run", spec, "--storage", "memory");
        Assert.Equal(2, code);
        Assert.Contains("trainable.data.train", stderr);
        Assert.Contains(Path.Combine(_dir, "data", "digits_train.csv"), stderr);
    }
}
