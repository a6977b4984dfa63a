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
        // Each trial reports its folds: the mean as the value, the spread and each fold's score as metrics.
        var trial = json["trialList"]!.AsArray().First(t => (string)t!["state"]! == "complete")!;
        Assert.NotNull(trial["metrics"]!["accuracy_std"]);
        Assert.NotNull(trial["metrics"]!["accuracy_fold5"]);
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
