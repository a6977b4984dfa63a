using System.Globalization;
using System.Text.Json.Nodes;

namespace HyperTune.Cli.Tests;

/// <summary>
/// `hypertune study delete` on a local store: only with --yes when there is no terminal to confirm on; it takes the
/// study's journal, views and checkpoints and frees its id, and leaves every other study as it was.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class StudyDeleteEndToEndTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-delete-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Store => Path.Combine(_dir, "data", "store.db");

    private string Checkpoints(string studyId) => Path.Combine(_dir, "data", "checkpoints", studyId);

    private string Artifacts(string studyId) => Path.Combine(_dir, "data", "artifacts", studyId);

    private async Task<JsonNode> RunAsync(int trials, bool fresh)
    {
        var example = Path.Combine(HypertuneProcess.RepositoryRoot, "config", "studies", "branin-random.json");
        var args = new List<string>
        {
            "run", example, "--max-trials", trials.ToString(CultureInfo.InvariantCulture),
            "--storage", $"sqlite:{Store}", "--json",
        };
        if (fresh) args.Add("--fresh");
        var (code, stdout, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, args.ToArray());
        Assert.True(code == 0, stderr);
        return JsonNode.Parse(stdout)!;
    }

    private Task<(int Code, string Stdout, string Stderr)> Hypertune(params string[] args) =>
        HypertuneProcess.RunAsync(_dir, Timeout, args.Append("--storage").Append($"sqlite:{Store}").ToArray());

    private async Task<List<string>> ListedAsync()
    {
        var (code, stdout, stderr) = await Hypertune("study", "list", "--json");
        Assert.True(code == 0, stderr);
        return JsonNode.Parse(stdout)!["studies"]!.AsArray().Select(s => (string)s!["study"]!).ToList();
    }

    [Fact]
    public async Task A_deleted_study_is_gone_from_the_store_with_its_checkpoints_and_its_id_starts_afresh()
    {
        await RunAsync(6, fresh: false);
        await RunAsync(4, fresh: true);
        Assert.Equal(new[] { "branin-random", "branin-random-2" }, (await ListedAsync()).Order());
        // Checkpoints where runs of this store keep them (branin writes none: these stand in for a trainable's).
        foreach (var id in new[] { "branin-random", "branin-random-2" })
        {
            Directory.CreateDirectory(Path.Combine(Checkpoints(id), "20260101-000000-000", "trial-0"));
            File.WriteAllText(Path.Combine(Checkpoints(id), "20260101-000000-000", "trial-0", "state"), "x");
            // And a refit's artifacts (`run` or `study refit` of an ML.NET study keep them there).
            Directory.CreateDirectory(Artifacts(id));
            File.WriteAllText(Path.Combine(Artifacts(id), "refit.json"), "{}");
        }

        // No terminal to confirm on and no --yes: refused, nothing deleted.
        var (refusedCode, _, refusedErr) = await Hypertune("study", "delete", "branin-random");
        Assert.Equal(2, refusedCode);
        Assert.Contains("--yes", refusedErr);
        Assert.Contains("branin-random", await ListedAsync());

        var (code, stdout, stderr) = await Hypertune("study", "delete", "branin-random", "--yes", "--json");
        Assert.True(code == 0, stderr);
        var deleted = JsonNode.Parse(stdout)!;
        Assert.Equal(("branin-random", true, 6),
            ((string?)deleted["study"], (bool)deleted["deleted"]!, (int)deleted["trials"]!));
        Assert.Equal(new[] { "branin-random-2" }, await ListedAsync());
        Assert.False(Directory.Exists(Checkpoints("branin-random")), "its checkpoints are still there");
        Assert.True(Directory.Exists(Checkpoints("branin-random-2")), "another study's checkpoints went");
        Assert.False(Directory.Exists(Artifacts("branin-random")), "its artifacts are still there");
        Assert.True(Directory.Exists(Artifacts("branin-random-2")), "another study's artifacts went");

        var (showCode, _, showErr) = await Hypertune("study", "show", "branin-random");
        Assert.Equal(1, showCode);
        Assert.Contains("no study 'branin-random'", showErr);
        var (againCode, _, againErr) = await Hypertune("study", "delete", "branin-random", "--yes");
        Assert.Equal(1, againCode);
        Assert.Contains("no study 'branin-random'", againErr);

        // The other study is whole; a fresh run takes the freed id and starts from trial 0.
        var (otherCode, other, otherErr) = await Hypertune("study", "show", "branin-random-2", "--json", "--trials");
        Assert.True(otherCode == 0, otherErr);
        Assert.Equal(4, JsonNode.Parse(other)!["trialList"]!.AsArray().Count);
        var rerun = await RunAsync(3, fresh: true);
        Assert.Equal("branin-random", (string?)rerun["study"]);
        var (newCode, created, newErr) = await Hypertune("study", "show", "branin-random", "--json", "--trials");
        Assert.True(newCode == 0, newErr);
        Assert.Equal(new[] { 0, 1, 2 },
            JsonNode.Parse(created)!["trialList"]!.AsArray().Select(t => (int)t!["number"]!));
    }

    [Fact]
    public async Task Deleting_an_unknown_study_or_from_a_store_that_does_not_exist_is_a_clear_error()
    {
        await RunAsync(2, fresh: false);
        var (code, stdout, stderr) = await Hypertune("study", "delete", "nope", "--yes");
        Assert.Equal(1, code);
        Assert.Contains("no study 'nope'", stderr);
        Assert.Equal("", stdout);
        Assert.Equal(new[] { "branin-random" }, await ListedAsync());

        var (missingCode, _, missingErr) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "delete", "x",
            "--yes", "--storage", $"sqlite:{Path.Combine(_dir, "none.db")}");
        Assert.Equal(2, missingCode);
        Assert.Contains("no store at", missingErr);
        Assert.False(File.Exists(Path.Combine(_dir, "none.db")));
    }
}
