using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace HyperTune.Cli.Tests;

/// <summary>
/// Looking at a local store through its read model: `study list|show|trials|best|export` answer without starting a
/// node and never write; a damaged read model gives one error naming its file; an older store without one still
/// reads (through a node).
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class StudyViewsEndToEndTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-views-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Store => Path.Combine(_dir, "data", "store.db");

    private string ViewsFile => Path.Combine(_dir, "data", "store.views.db");

    private async Task RunStudyAsync(int trials)
    {
        var example = Path.Combine(HypertuneProcess.RepositoryRoot, "config", "studies", "branin-random.json");
        var (code, _, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "run", example,
            "--max-trials", trials.ToString(CultureInfo.InvariantCulture), "--storage", $"sqlite:{Store}", "--json");
        Assert.True(code == 0, stderr);
    }

    private Task<(int Code, string Stdout, string Stderr)> Hypertune(params string[] args) =>
        HypertuneProcess.RunAsync(_dir, Timeout, args.Append("--storage").Append($"sqlite:{Store}").ToArray());

    /// <summary>
    /// Every file of the store with its length and last write time: a read must change none. (SQLite's shared-memory
    /// index and write-ahead log, which a reader of a database in WAL mode opens, hold no data of their own.)
    /// </summary>
    private Dictionary<string, (long, DateTime)> StoreFiles() =>
        Directory.GetFiles(Path.GetDirectoryName(Store)!).Where(f => !f.EndsWith("-shm") && !f.EndsWith("-wal"))
            .ToDictionary(f => Path.GetFileName(f), f => (new FileInfo(f).Length, File.GetLastWriteTimeUtc(f)));

    /// <summary>
    /// A command on a damaged store: exit 1, one error naming <paramref name="naming"/> (no stack trace), nothing on
    /// stdout, within <paramref name="within"/>.
    /// </summary>
    private async Task AssertOneErrorAsync(string[] args, string naming, TimeSpan within)
    {
        var watch = Stopwatch.StartNew();
        var (code, stdout, stderr) = await Hypertune(args);
        Assert.Equal(1, code);
        Assert.Contains(naming, stderr);
        Assert.DoesNotContain("Exception", stderr);
        Assert.Equal("", stdout);
        Assert.True(watch.Elapsed < within, $"{string.Join(' ', args)} took {watch.Elapsed}");
    }

    [Fact]
    public async Task Listing_showing_and_exporting_read_the_views_without_a_node_and_write_nothing()
    {
        await RunStudyAsync(25);
        Assert.True(File.Exists(ViewsFile), "the run wrote no read model");
        var before = StoreFiles();

        var (listCode, list, listErr) = await Hypertune("study", "list");
        Assert.True(listCode == 0, listErr);
        Assert.Contains("branin-random", list);
        Assert.Contains("finished", list);
        Assert.Contains("[25/25]", list);

        var (showCode, show, showErr) = await Hypertune("study", "show", "branin-random", "--json", "--trials");
        Assert.True(showCode == 0, showErr);
        var doc = JsonNode.Parse(show)!;
        Assert.Equal(25, (int)doc["trials"]!["complete"]!);
        Assert.Equal(25, doc["trialList"]!.AsArray().Count);

        var (csvCode, csv, csvErr) = await Hypertune("study", "export", "branin-random", "--csv");
        Assert.True(csvCode == 0, csvErr);
        var rows = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(26, rows.Length);
        var header = rows[0].Split(',');
        Assert.Contains("params_x", header);
        Assert.Contains("params_y", header);
        var valueColumn = Array.IndexOf(header, "value");
        var values = rows.Skip(1).Select(r => double.Parse(r.Split(',')[valueColumn], CultureInfo.InvariantCulture))
            .ToList();

        var (bestCode, best, bestErr) = await Hypertune("study", "best", "branin-random", "--json");
        Assert.True(bestCode == 0, bestErr);
        Assert.Equal(values.Min(), (double)JsonNode.Parse(best)!["value"]!);

        var jsonl = Path.Combine(_dir, "trials.jsonl");
        var (jsonlCode, _, jsonlErr) = await Hypertune("study", "export", "branin-random", "--jsonl", "--out", jsonl);
        Assert.True(jsonlCode == 0, jsonlErr);
        var lines = File.ReadAllLines(jsonl);
        Assert.Equal(25, lines.Length);
        Assert.All(lines, l => Assert.Equal("complete", (string?)JsonNode.Parse(l)!["state"]));

        var (trialsCode, trials, trialsErr) =
            await Hypertune("study", "trials", "branin-random", "--state", "complete");
        Assert.True(trialsCode == 0, trialsErr);
        Assert.Contains("25 trials", trials);
        var (badCode, _, badErr) = await Hypertune("study", "trials", "branin-random", "--state", "done");
        Assert.Equal(2, badCode);
        Assert.Contains("unknown state 'done'", badErr);

        var (trialCode, trial, trialErr) = await Hypertune("trial", "show", "branin-random", "3", "--json");
        Assert.True(trialCode == 0, trialErr);
        Assert.Equal(3, (int)JsonNode.Parse(trial)!["number"]!);
        var (noTrialCode, _, noTrialErr) = await Hypertune("trial", "show", "branin-random", "25");
        Assert.Equal(1, noTrialCode);
        Assert.Contains("has no trial 25 (it has 25)", noTrialErr);
        var (listJsonCode, listJson, listJsonErr) = await Hypertune("study", "list", "--json");
        Assert.True(listJsonCode == 0, listJsonErr);
        Assert.Equal("branin-random", (string?)JsonNode.Parse(listJson)!["studies"]![0]!["study"]);
        var (watchCode, watch, watchErr) = await Hypertune("study", "watch", "branin-random");
        Assert.True(watchCode == 0, watchErr);
        Assert.Contains("branin-random finished: trial budget reached", watch);
        var (watchJsonCode, watchJson, watchJsonErr) = await Hypertune("study", "watch", "branin-random", "--json");
        Assert.True(watchJsonCode == 0, watchJsonErr);
        Assert.Equal("finished", (string?)JsonNode.Parse(watchJson.Trim())!["status"]);

        // No node started (it would have logged to the store's folder) and nothing was written.
        Assert.Equal(before, StoreFiles());
    }

    [Fact]
    public async Task A_damaged_read_model_gives_one_error_naming_its_file_and_is_left_as_it_was()
    {
        await RunStudyAsync(5);
        var garbage = new byte[32 * 1024];
        new Random(5).NextBytes(garbage);
        File.WriteAllBytes(ViewsFile, garbage);
        await AssertOneErrorAsync(new[] { "study", "list" }, ViewsFile, TimeSpan.FromSeconds(60));
        Assert.Equal(garbage, File.ReadAllBytes(ViewsFile));
    }

    [Fact]
    public async Task A_damaged_journal_without_views_gives_one_error_naming_it_at_once()
    {
        // The case: `study list` on a corrupted SQLite file printed part of the list, then an unhandled
        // TimeoutException after 70 s. Without views the commands read the journal through a node.
        await RunStudyAsync(5);
        foreach (var f in Directory.GetFiles(Path.GetDirectoryName(Store)!, "store.views.db*")) File.Delete(f);
        var noise = new byte[8192];
        new Random(9).NextBytes(noise);
        using (var file = File.OpenWrite(Store))
        {
            file.Seek(4096, SeekOrigin.Begin);
            file.Write(noise);
        }
        var damaged = File.ReadAllBytes(Store);
        foreach (var args in new[] { new[] { "study", "list" }, new[] { "study", "show", "branin-random" } })
            await AssertOneErrorAsync(args, $"the store {Store} is damaged", TimeSpan.FromSeconds(30));
        Assert.Equal(damaged, File.ReadAllBytes(Store));
    }

    [Fact]
    public async Task A_store_without_views_still_reads_through_a_node_and_the_next_run_writes_them()
    {
        await RunStudyAsync(5);
        foreach (var f in Directory.GetFiles(Path.GetDirectoryName(Store)!, "store.views.db*")) File.Delete(f);

        var (code, show, stderr) = await Hypertune("study", "show", "branin-random", "--json");
        Assert.True(code == 0, stderr);
        Assert.Equal(5, (int)JsonNode.Parse(show)!["trials"]!["complete"]!);
        Assert.False(File.Exists(ViewsFile), "a read wrote the read model");

        // Resuming the study (a larger budget) recovers its coordinator, which writes every view once.
        await RunStudyAsync(8);
        var (listCode, list, listErr) = await Hypertune("study", "list");
        Assert.True(listCode == 0, listErr);
        Assert.Contains("[8/8]", list);
        var (trialsCode, trials, trialsErr) = await Hypertune("study", "trials", "branin-random", "--json");
        Assert.True(trialsCode == 0, trialsErr);
        Assert.Equal(8, JsonNode.Parse(trials)!.AsArray().Count);
    }
}
