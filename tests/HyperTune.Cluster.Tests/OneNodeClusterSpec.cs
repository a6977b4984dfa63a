using System.Text.Json;
using HyperTune.Cluster.Client;
using HyperTune.Cluster.Hosting;
using HyperTune.Cluster.Studies;
using HyperTune.Core.Studies;
using HyperTune.Trainables.Functions;

namespace HyperTune.Cluster.Tests;

/// <summary>
/// A real one-node cluster (remoting on loopback, sharding, SQLite or in-memory persistence) running whole studies
/// through the coordinator and sharded workers.
/// </summary>
public sealed class OneNodeClusterSpec : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-node-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    private NodeOptions Options(StorageSpec storage) => new()
    {
        Storage = storage,
        Port = 0,
        Slots = 4,
        RememberStudies = false,
        LogLevel = "WARNING",
        ExtraHocon = $"hypertune.worker.checkpoint-root = {StorageSpec.Quote(Path.Combine(_dir, "ckpt"))}\n" +
                     "hypertune.trainables.process.allowed-commands = [\"/bin/sh\"]",
    };

    private static string Spec(string name, int maxTrials, int parallelism, string trainable, int maxRetries = 0, string seed = "7") => $$"""
        {
          "name": "{{name}}",
          "objective": { "metric": "value", "direction": "minimize" },
          "trainable": {{trainable}},
          "space": [ { "name": "x", "type": "float", "low": -5, "high": 10 }, { "name": "y", "type": "float", "low": 0, "high": 15 } ],
          "optimizer": { "type": "random", "seed": {{seed}} },
          "budget": { "maxTrials": {{maxTrials}}, "parallelism": {{parallelism}} },
          "maxRetries": {{maxRetries}}
        }
        """;

    private static async Task<StudyProgress> RunToEnd(HyperTuneClient client, string studyId, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        StudyProgress? last = null;
        await foreach (var p in client.WatchAsync(studyId, cts.Token)) last = p;
        return last!;
    }

    [Fact]
    public async Task A_study_runs_to_its_budget_through_sharded_workers()
    {
        await using var node = await HyperTuneNode.StartAsync(Options(StorageSpec.Memory));
        var client = new HyperTuneClient(node);
        var submitted = await client.SubmitAsync(Spec("branin-one-node", 24, 4, """{ "type": "function", "function": "branin", "simulatedTrainingTime": "20ms" }"""));
        Assert.True(submitted.Created);
        var last = await RunToEnd(client, submitted.StudyId, TimeSpan.FromSeconds(60));
        Assert.Equal((StudyStatus.Finished, 24, 0), (last.Status, last.Complete, last.Failed));
        var report = (await client.GetAsync(submitted.StudyId, includeTrials: true))!;
        Assert.Equal(Enumerable.Range(0, 24), report.Trials!.Select(t => t.Number));
        Assert.Equal(report.Trials!.Min(t => t.Value), report.Progress.Best!.Value);
    }

    [Fact]
    public async Task Failing_trials_are_retried_recorded_failed_and_the_study_goes_on()
    {
        var script = Path.Combine(_dir, "half.sh");
        // Fails for x > 2.5 (about half the space), succeeds otherwise.
        File.WriteAllText(script, """
            #!/bin/sh
            x=$2
            if awk "BEGIN{exit !($x > 2.5)}"; then echo "x too large: $x" >&2; exit 4; fi
            echo "hypertune-report value=$x"
            """);
        var trainable = $$"""{ "type": "process", "command": "/bin/sh", "args": [{{JsonSerializer.Serialize(script)}}] }""";
        await using var node = await HyperTuneNode.StartAsync(Options(StorageSpec.Memory));
        var client = new HyperTuneClient(node);
        var submitted = await client.SubmitAsync(Spec("half-fails", 16, 4, trainable, maxRetries: 1));
        var last = await RunToEnd(client, submitted.StudyId, TimeSpan.FromSeconds(90));
        var report = (await client.GetAsync(submitted.StudyId, includeTrials: true))!;
        var failed = report.Trials!.Where(t => t.State == TrialState.Failed).ToList();
        Assert.Equal(StudyStatus.Finished, last.Status);
        Assert.Equal(16, last.Complete + last.Failed);
        Assert.NotEmpty(failed);
        Assert.All(failed, t =>
        {
            Assert.True((double)t.Params["x"] > 2.5);
            Assert.Equal(2, t.FailedAttempts);
            Assert.Contains("x too large", t.FailureReason);
        });
        Assert.All(report.Trials!.Where(t => t.State == TrialState.Complete), t => Assert.True((double)t.Params["x"] <= 2.5));
    }

    [Fact]
    public async Task A_node_restarted_on_the_same_database_resumes_the_study_without_rerunning_completed_trials()
    {
        var storage = StorageSpec.SqliteFile(Path.Combine(_dir, "studies.db"));
        var spec = Spec("resume-me", 30, 3, """{ "type": "function", "function": "branin", "simulatedTrainingTime": "150ms" }""");
        Dictionary<int, double> before;
        string studyId;
        var first = await HyperTuneNode.StartAsync(Options(storage));
        {
            var client = new HyperTuneClient(first);
            studyId = (await client.SubmitAsync(spec)).StudyId;
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await foreach (var p in client.WatchAsync(studyId, cts.Token))
                if (p.Complete >= 8) break;
            before = (await client.GetAsync(studyId, includeTrials: true))!.Trials!
                .Where(t => t.State == TrialState.Complete).ToDictionary(t => t.Number, t => t.Value!.Value);
            // Abrupt: no graceful leave, running trials are lost with the process.
            await first.System.Terminate();
        }

        await using var second = await HyperTuneNode.StartAsync(Options(storage));
        var resumed = new HyperTuneClient(second);
        var answer = await resumed.SubmitAsync(spec);
        Assert.False(answer.Created);
        Assert.Equal(studyId, answer.StudyId);
        var last = await RunToEnd(resumed, studyId, TimeSpan.FromSeconds(90));
        Assert.Equal((StudyStatus.Finished, 30), (last.Status, last.Complete));
        var trials = (await resumed.GetAsync(studyId, includeTrials: true))!.Trials!;
        Assert.Equal(Enumerable.Range(0, 30), trials.Select(t => t.Number));
        Assert.All(before, kv => Assert.Equal(kv.Value, trials[kv.Key].Value));
    }

    [Fact]
    public async Task Snapshots_go_to_their_own_file_beside_the_journal_and_a_restarted_node_recovers_from_them()
    {
        var storage = StorageSpec.SqliteFile(Path.Combine(_dir, "studies.db"));
        var options = Options(storage) with { ExtraHocon = Options(storage).ExtraHocon + "\nhypertune.study.snapshot-every = 10" };
        var spec = Spec("snapshotted", 20, 2, """{ "type": "function", "function": "branin" }""");
        string studyId;
        List<(int, double?)> before;
        await using (var first = await HyperTuneNode.StartAsync(options))
        {
            var client = new HyperTuneClient(first);
            studyId = (await client.SubmitAsync(spec)).StudyId;
            Assert.Equal(StudyStatus.Finished, (await RunToEnd(client, studyId, TimeSpan.FromSeconds(60))).Status);
            before = (await client.GetAsync(studyId, includeTrials: true))!.Trials!.Select(t => (t.Number, t.Value)).ToList();
        }

        var snapshots = Path.Combine(_dir, "studies.snapshots.db");
        Assert.True(File.Exists(snapshots), "no snapshot file beside the journal");
        Assert.True(Rows(snapshots, "snapshot") > 0, "the snapshot file holds no snapshot");
        Assert.Equal(0, Rows(Path.Combine(_dir, "studies.db"), "snapshot", missingTable: 0));

        await using var second = await HyperTuneNode.StartAsync(options);
        var after = (await new HyperTuneClient(second).GetAsync(studyId, includeTrials: true))!;
        Assert.Equal(StudyStatus.Finished, after.Progress.Status);
        Assert.Equal(before, after.Trials!.Select(t => (t.Number, t.Value)).ToList());
    }

    private static long Rows(string file, string table, long? missingTable = null)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'";
        if ((long)command.ExecuteScalar()! == 0) return missingTable ?? throw new InvalidOperationException($"no table {table} in {file}");
        command.CommandText = $"SELECT count(*) FROM {table}";
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task A_step_budget_ends_a_real_study_without_cutting_off_a_trial()
    {
        await using var node = await HyperTuneNode.StartAsync(Options(StorageSpec.Memory));
        var client = new HyperTuneClient(node);
        // mf-branin runs 27 steps: 100 steps hold 3 whole runs (81); a fourth would need 108, so the study ends there.
        var spec = Spec("step-budget", 50, 3, """{ "type": "function", "function": "mf-branin" }""")
            .Replace("\"parallelism\": 3 }", "\"parallelism\": 3, \"maxSteps\": 100 }");
        var studyId = (await client.SubmitAsync(spec)).StudyId;
        var last = await RunToEnd(client, studyId, TimeSpan.FromSeconds(60));
        Assert.Equal(StudyStatus.Finished, last.Status);
        var report = (await client.GetAsync(studyId, includeTrials: true))!;
        Assert.Equal(StudyDecider.StepBudgetReached, report.Progress.FinishReason);
        Assert.Equal(3, report.Trials!.Count);
        Assert.All(report.Trials, t => Assert.Equal((TrialState.Complete, 27L), (t.State, t.LastIntermediate!.Step)));
    }

    [Fact]
    public async Task A_population_trains_through_workers_and_each_exploit_continues_from_the_donors_checkpoint()
    {
        await using var node = await HyperTuneNode.StartAsync(Options(StorageSpec.SqliteFile(Path.Combine(_dir, "pbt.db"))));
        var client = new HyperTuneClient(node);
        // Four members, two slots: members pause every 4 steps and wait in turn, as a synchronous round needs.
        var spec = """
            {
              "name": "pbt-one-node",
              "objective": { "metric": "q", "direction": "maximize" },
              "trainable": { "type": "function", "function": "pbt-toy", "steps": 40 },
              "space": [ { "name": "h0", "type": "float", "low": 0, "high": 1 }, { "name": "h1", "type": "float", "low": 0, "high": 1 } ],
              "optimizer": { "type": "random", "seed": 3 },
              "scheduler": { "type": "pbt", "perturbationInterval": 4, "synchronous": true, "quantileFraction": 0.5 },
              "budget": { "maxTrials": 4, "parallelism": 2 }
            }
            """;
        var studyId = (await client.SubmitAsync(spec)).StudyId;
        var last = await RunToEnd(client, studyId, TimeSpan.FromSeconds(90));
        Assert.Equal((StudyStatus.Finished, 4), (last.Status, last.Complete));
        var trials = (await client.GetAsync(studyId, includeTrials: true))!.Trials!;
        Assert.All(trials, t => Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), t.Intermediate.Select(v => v.Step)));
        var exploits = trials.SelectMany(t => t.Lineage.Select(e => (t.Number, e))).ToList();
        Assert.Contains(exploits, x => x.e.Donor != x.Number);
        Assert.All(exploits, x => Assert.Equal(0, x.e.Step % 4));

        // Replays the population from its lineage: a member's state after an exploit at step k is its donor's at k.
        // Every reported value must match, so every exploit really started from the donor's checkpoint.
        var theta = trials.ToDictionary(t => t.Number, _ => (double[])[.. PbtToyProblem.InitialTheta]);
        for (long step = 1; step <= 40; step++)
        {
            var before = theta.ToDictionary(kv => kv.Key, kv => kv.Value);
            foreach (var t in trials)
            {
                var source = t.Lineage.FirstOrDefault(e => e.Step == step - 1) is { } exploit ? exploit.Donor : t.Number;
                var h = t.ParamsAt(step);
                theta[t.Number] = PbtToyProblem.Step(before[source], h.GetDouble("h0"), h.GetDouble("h1"));
                Assert.Equal(PbtToyProblem.Objective(theta[t.Number]), t.Intermediate[(int)step - 1].Value, 12);
            }
        }

        // The study has finished: the copies kept for exploits go (deleted in the background), the members' own
        // checkpoint directories stay.
        var incarnation = Assert.Single(Directory.GetDirectories(Path.Combine(_dir, "ckpt", studyId)));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Directory.Exists(Path.Combine(incarnation, "kept")) && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.False(Directory.Exists(Path.Combine(incarnation, "kept")), "the kept copies are still there");
        Assert.All(trials, t => Assert.True(Directory.Exists(Path.Combine(incarnation, $"trial-{t.Number}"))));
    }

    [Fact]
    public async Task The_worker_directory_reports_how_many_trials_each_node_runs()
    {
        await using var node = await HyperTuneNode.StartAsync(Options(StorageSpec.Memory));
        var client = new HyperTuneClient(node);
        await client.SubmitAsync(Spec("busy-node", 8, 3, """{ "type": "function", "function": "branin", "simulatedTrainingTime": "3s" }"""));
        var inbox = Akka.Actor.Inbox.Create(node.System);
        node.System.ActorSelection("/user/worker-directory").Tell(new HyperTune.Cluster.Workers.WorkerDirectory.SubscribeWorkerNodes(), inbox.Receiver);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        HyperTune.Cluster.Workers.WorkerNode? seen = null;
        while (DateTime.UtcNow < deadline && seen?.BusyByStudy.GetValueOrDefault("busy-node") != 3)
            if (await inbox.ReceiveAsync(TimeSpan.FromSeconds(20)) is HyperTune.Cluster.Workers.WorkerDirectory.WorkerNodesChanged changed)
                seen = changed.Nodes.Single();
        Assert.NotNull(seen);
        Assert.Equal(4, seen!.Slots);
        Assert.Equal(new[] { ("busy-node", 3) }, seen.BusyByStudy.Select(kv => (kv.Key, kv.Value)));
        // What another study would see as taken on this node, and what this study itself would not count twice.
        Assert.Equal((3, 0), (seen.BusyExcept("other-study"), seen.BusyExcept("busy-node")));
    }
}
