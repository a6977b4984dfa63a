using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace HyperTune.Cli.Tests;

/// <summary>The `hypertune run` command as a user runs it: a separate process, a real SQLite file, kills.</summary>
[Trait("Category", "EndToEnd")]
public sealed class RunCommandEndToEndTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string ExampleSpec(string name) => Path.Combine(HypertuneProcess.RepositoryRoot, "config", "studies", name);

    /// <summary>A copy of the branin example, slowed down so it can be interrupted.</summary>
    private string SlowSpec(int trials, string trainingTime)
    {
        var spec = JsonNode.Parse(File.ReadAllText(ExampleSpec("branin-random.json")))!.AsObject();
        spec["trainable"]!["simulatedTrainingTime"] = trainingTime;
        spec["budget"]!["maxTrials"] = trials;
        var path = Path.Combine(_dir, "slow.json");
        File.WriteAllText(path, spec.ToJsonString());
        return path;
    }

    private static JsonNode Json(string stdout) => JsonNode.Parse(stdout) ?? throw new InvalidOperationException("no JSON on stdout");

    [Fact]
    public async Task The_example_study_runs_to_its_budget_and_reports_a_near_optimal_best()
    {
        var (code, stdout, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "run", ExampleSpec("branin-random.json"), "--json");
        Assert.True(code == 0, stderr);
        var json = Json(stdout);
        Assert.Equal("branin-random", (string?)json["study"]);
        Assert.Equal(60, (int)json["trials"]!["complete"]!);
        var best = (double)json["best"]!["value"]!;
        Assert.InRange(best - 0.397887, 0, 0.5);
        // The default store is a file in ./hypertune-data.
        Assert.True(File.Exists(Path.Combine(_dir, "hypertune-data", "hypertune.db")));
        // Akka's own shutdown lines (printed after its loggers stop, in about one run of three) stay off the terminal.
        Assert.DoesNotContain("Remoting shut down", stderr);
    }

    [Fact]
    public async Task Every_example_spec_is_valid_and_the_tpe_example_runs_its_parallel_budget()
    {
        var examples = Directory.GetFiles(Path.Combine(HypertuneProcess.RepositoryRoot, "config", "studies"), "*.json");
        Assert.True(examples.Length >= 4, $"examples found: {examples.Length}");
        foreach (var file in examples)
            HyperTune.Trainables.TrainableFactory.Create(HyperTune.Core.Specs.StudySpecParser.ParseFile(file));

        var (code, stdout, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "run", ExampleSpec("hartmann6-tpe.json"), "--storage", "memory", "--json");
        Assert.True(code == 0, stderr);
        var json = Json(stdout);
        Assert.Equal(100, (int)json["trials"]!["complete"]!);
        Assert.Equal(8, (int)json["parallelism"]!);
        // Above the global minimum; how close it gets is the optimizer benchmark's business, not this test's.
        Assert.InRange((double)json["best"]!["value"]!, -3.32237, 0);
    }

    [Fact]
    public async Task Killed_mid_study_it_resumes_without_rerunning_completed_trials()
    {
        var spec = SlowSpec(40, "400ms");
        using (var first = HypertuneProcess.Start(_dir, "run", spec))
        {
            await first.WaitForStderrAsync(l => Regex.Match(l, @"\[(\d+)/40\]") is { Success: true } m && int.Parse(m.Groups[1].Value) >= 8, Timeout);
            first.Signal(9);
            await first.WaitAsync(TimeSpan.FromSeconds(30));
        }

        var (showCode, shown, showErr) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "show", "branin-random", "--json", "--trials");
        Assert.True(showCode == 0, showErr);
        var beforeTrials = Json(shown)["trialList"]!.AsArray();
        var completedBefore = beforeTrials.Where(t => (string?)t!["state"] == "complete")
            .ToDictionary(t => (int)t!["number"]!, t => (double)t!["value"]!);
        Assert.InRange(completedBefore.Count, 8, 39);

        var (code, stdout, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "run", spec, "--json", "--trials");
        Assert.True(code == 0, stderr);
        Assert.Contains("resuming at", stderr);
        var json = Json(stdout);
        Assert.Equal(40, (int)json["trials"]!["complete"]!);
        var trials = json["trialList"]!.AsArray();
        // Every trial number exactly once, numbering continued after the restart.
        Assert.Equal(Enumerable.Range(0, 40), trials.Select(t => (int)t!["number"]!).Order());
        // Completed trials were not run again: same values as before the kill.
        foreach (var (number, value) in completedBefore)
            Assert.Equal(value, (double)trials.Single(t => (int)t!["number"]! == number)!["value"]!);
    }

    [Fact]
    public async Task Interrupted_with_ctrl_c_it_stops_gracefully_and_fresh_starts_a_second_study()
    {
        // Interrupt early, while most of the study is still to run (progress lines come at most once a second): a signal
        // that arrives after the last trial would test nothing.
        var spec = SlowSpec(60, "400ms");
        using (var run = HypertuneProcess.Start(_dir, "run", spec))
        {
            await run.WaitForStderrAsync(l => Regex.Match(l, @"\[(\d+)/60\]") is { Success: true } m && int.Parse(m.Groups[1].Value) is >= 4 and <= 40, Timeout);
            run.Signal(2);
            Assert.Equal(130, await run.WaitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("run the same command again to resume", run.Stderr);
        }
        var (code, stdout, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "run", spec, "--json", "--fresh", "--parallelism", "6");
        Assert.True(code == 0, stderr);
        var json = Json(stdout);
        Assert.Equal("branin-random-2", (string?)json["study"]);
        Assert.Equal(60, (int)json["trials"]!["complete"]!);

        var (listCode, list, _) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "list");
        Assert.Equal(0, listCode);
        Assert.Contains("branin-random ", list);
        Assert.Contains("branin-random-2", list);
    }

    [Theory]
    [InlineData("\"maxTrials\": 60", "\"maxTrials\": -1", "budget.maxTrials: must be at least 1")]
    [InlineData("\"function\": \"branin\"", "\"function\": \"brainn\"", "unknown function 'brainn'; known:")]
    [InlineData("\"low\": -5", "\"low\": 50", "space[0]: parameter 'x': empty range")]
    [InlineData("\"type\": \"random\"", "\"type\": \"bayes\"", "optimizer.type: unknown optimizer 'bayes'")]
    public async Task A_malformed_spec_fails_before_anything_runs_and_names_the_field(string find, string replace, string expected)
    {
        var text = File.ReadAllText(ExampleSpec("branin-random.json"));
        Assert.Contains(find, text);
        var path = Path.Combine(_dir, "bad.json");
        File.WriteAllText(path, text.Replace(find, replace));
        var (code, stdout, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "run", path);
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr);
        Assert.Equal("", stdout);
        Assert.False(Directory.Exists(Path.Combine(_dir, "hypertune-data")), "nothing is stored for an invalid spec");
    }

    [Fact]
    public async Task A_study_run_again_in_memory_does_not_resume_the_earlier_runs_checkpoints_and_leaves_no_files()
    {
        // The process example's script continues from its checkpoint; a second in-memory run is a new study under the
        // same id, and its trials must train from scratch (they once found the first run's finished checkpoints,
        // printed nothing and failed).
        var spec = JsonNode.Parse(File.ReadAllText(ExampleSpec("process-quadratic.json")))!.AsObject();
        spec["trainable"]!["args"]![0] = Path.Combine(HypertuneProcess.RepositoryRoot, "config", "studies", "scripts", "train_quadratic.py");
        var path = Path.Combine(_dir, "process.json");
        File.WriteAllText(path, spec.ToJsonString());
        for (var run = 1; run <= 2; run++)
        {
            var (code, stdout, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "run", path, "--storage", "memory", "--max-trials", "6", "--json");
            Assert.True(code == 0, $"run {run}: {stderr}");
            var trials = Json(stdout)["trials"]!;
            Assert.True((int)trials["complete"]! == 6, $"run {run}: {trials.ToJsonString()}");
        }
        // An in-memory run writes nothing to disk: its log and checkpoints lived in a scratch folder, now removed.
        Assert.Equal(new[] { "process.json" }, Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_second_process_on_the_same_store_is_refused_while_the_first_runs()
    {
        // Long trials: the first run must still be going after two more process starts on a loaded machine (it is
        // killed at the end, so their length costs no time).
        var spec = SlowSpec(40, "3s");
        using var first = HypertuneProcess.Start(_dir, "run", spec);
        await first.WaitForStderrAsync(l => l.Contains("[0/40]") || Regex.IsMatch(l, @"\[\d+/40\]"), Timeout);
        var (code, stdout, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "run", spec, "--json");
        Assert.Equal(1, code);
        Assert.Contains($"is in use by process {first.Id}", stderr);
        Assert.Equal("", stdout);
        // Looking at the store is fine meanwhile: it only reads.
        var (showCode, shown, _) = await HypertuneProcess.RunAsync(_dir, Timeout, "study", "show", "branin-random", "--json");
        Assert.Equal(0, showCode);
        Assert.Equal("running", (string?)Json(shown)["status"]);
        first.Signal(9);
    }

    [Fact]
    public async Task An_unknown_storage_is_refused_with_the_accepted_forms()
    {
        var (code, _, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "run", ExampleSpec("branin-random.json"), "--storage", "mongo:x");
        Assert.Equal(2, code);
        Assert.Contains("use memory, sqlite:PATH or postgres:CONNECTION-STRING", stderr);
        var (pgCode, _, pgErr) = await HypertuneProcess.RunAsync(_dir, Timeout, "run", ExampleSpec("branin-random.json"), "--storage", "postgres:Host=127.0.0.1");
        Assert.Equal(2, pgCode);
        Assert.Contains("hypertune study submit SPEC --node", pgErr);
    }

    [Fact]
    public async Task Reading_a_store_that_does_not_exist_is_refused_and_creates_nothing()
    {
        var missing = Path.Combine(_dir, "no-such-dir", "studies.db");
        foreach (var args in new[] { new[] { "study", "list", "--storage", $"sqlite:{missing}" }, new[] { "study", "show", "x", "--storage", $"sqlite:{missing}" } })
        {
            var (code, _, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, args);
            Assert.Equal(2, code);
            Assert.Contains($"no store at {missing}", stderr);
        }
        Assert.False(Directory.Exists(Path.GetDirectoryName(missing)), "a read created the store's directory");
    }

    [Fact]
    public async Task A_missing_program_is_refused_up_front_and_a_study_without_a_result_exits_1()
    {
        var spec = JsonNode.Parse(File.ReadAllText(ExampleSpec("process-quadratic.json")))!.AsObject();
        spec["trainable"]!["command"] = "no-such-program-4711";
        var missing = Path.Combine(_dir, "missing.json");
        File.WriteAllText(missing, spec.ToJsonString());
        var (code, _, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "run", missing, "--storage", "memory");
        Assert.Equal(2, code);
        Assert.Contains("trainable.command: 'no-such-program-4711' was not found on PATH", stderr);

        // A program that runs but never reports: every trial fails, the study ends, and a script sees exit code 1.
        spec["trainable"]!["command"] = "/bin/false";
        spec["trainable"]!["args"] = new JsonArray();
        spec["budget"]!["maxTrials"] = 3;
        spec["maxRetries"] = 0;
        var failing = Path.Combine(_dir, "failing.json");
        File.WriteAllText(failing, spec.ToJsonString());
        var (failCode, stdout, failErr) = await HypertuneProcess.RunAsync(_dir, Timeout, "run", failing, "--storage", "memory");
        Assert.Equal(1, failCode);
        Assert.Contains("No trial completed.", stdout);
        Assert.Contains("finished without a completed trial (3 failed, 0 pruned)", failErr);
    }
}
