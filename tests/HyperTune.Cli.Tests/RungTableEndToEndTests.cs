using System.Text.Json.Nodes;

namespace HyperTune.Cli.Tests;

/// <summary>
/// The rung table of a real halving grid search comes from the coordinator: `run --json` and a later local
/// `study show --json` (a read-only node) give the same rungs, down to the final one at maxResource.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class RungTableEndToEndTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static long[] Column(JsonNode doc, string field) =>
        doc["rungs"]!.AsArray().Select(r => (long)r![field]!).ToArray();

    [Fact]
    public async Task Halving_grid_search_reports_27_9_3_1_in_run_and_in_a_later_study_show()
    {
        var spec = Path.Combine(HypertuneProcess.RepositoryRoot, "config", "studies", "halving-grid.json");
        var storage = "sqlite:" + Path.Combine(_dir, "studies.db");
        var (code, stdout, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "run", spec,
            "--storage", storage, "--json");
        Assert.True(code == 0, stderr);
        var run = JsonNode.Parse(stdout)!;
        Assert.Equal(new long[] { 27, 9, 3, 1 }, Column(run, "trials"));
        Assert.Equal(new long[] { 1, 3, 9, 27 }, Column(run, "step"));
        Assert.Equal(new long[] { 9, 3, 1, 0 }, Column(run, "promoted"));
        // The final rung's best is the study's best: the lone survivor trained to the end.
        Assert.Equal((double)run["best"]!["value"]!, (double)run["rungs"]![3]!["bestValue"]!);
        Assert.Equal(27 * 1 + 9 * 2 + 3 * 6 + 1 * 18, (long)run["steps"]!);

        var study = (string)run["study"]!;
        (code, stdout, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "show", study,
            "--storage", storage, "--json");
        Assert.True(code == 0, stderr);
        var shown = JsonNode.Parse(stdout)!;
        Assert.Equal(run["rungs"]!.ToJsonString(), shown["rungs"]!.ToJsonString());

        (code, stdout, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "show", study,
            "--storage", storage);
        Assert.True(code == 0, stderr);
        Assert.Contains("Rungs", stdout);
    }
}
