using Akka.Actor;
using HyperTune.Cluster.Client;
using HyperTune.Cluster.Hosting;
using HyperTune.Cluster.Studies;
using Microsoft.Data.Sqlite;

namespace HyperTune.Cluster.Tests;

/// <summary>
/// Submissions through a real one-node cluster on SQLite (remember-entities on, as in production): retried and
/// concurrent submissions, and queries for unknown studies.
/// </summary>
public sealed class SubmissionSpec : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-submit-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    private string DatabasePath => Path.Combine(_dir, "studies.db");

    private NodeOptions Options() => new()
    {
        Storage = StorageSpec.SqliteFile(DatabasePath),
        Port = 0,
        Slots = 2,
        RememberStudies = true,
        LogLevel = "WARNING",
        ExtraHocon = $"hypertune.worker.checkpoint-root = {StorageSpec.Quote(Path.Combine(_dir, "ckpt"))}",
    };

    private static string Spec(string name, int maxTrials = 4) => $$"""
        {
          "name": "{{name}}",
          "objective": { "metric": "value", "direction": "minimize" },
          "trainable": { "type": "function", "function": "branin", "simulatedTrainingTime": "50ms" },
          "space": [ { "name": "x", "type": "float", "low": -5, "high": 10 }, { "name": "y", "type": "float", "low": 0, "high": 15 } ],
          "optimizer": { "type": "random", "seed": 3 },
          "budget": { "maxTrials": {{maxTrials}}, "parallelism": 2 }
        }
        """;

    private long JournalRows()
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath}");
        connection.Open();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM journal";
        return (long)count.ExecuteScalar()!;
    }

    private async Task<long> SettledJournalRowsAsync()
    {
        var rows = JournalRows();
        for (var stableSince = DateTime.UtcNow; DateTime.UtcNow - stableSince < TimeSpan.FromSeconds(3);)
        {
            await Task.Delay(250);
            var now = JournalRows();
            if (now != rows) (rows, stableSince) = (now, DateTime.UtcNow);
        }
        return rows;
    }

    [Fact]
    public async Task Five_concurrent_fresh_submissions_create_five_listed_studies()
    {
        await using var node = await HyperTuneNode.StartAsync(Options());
        var client = new HyperTuneClient(node);

        var submitted = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => client.SubmitAsync(Spec("fresh-five"), fresh: true)));

        Assert.All(submitted, s => Assert.True(s.Created));
        var ids = submitted.Select(s => s.StudyId).ToHashSet();
        Assert.Equal(5, ids.Count);
        var listed = (await client.ListAsync()).Select(e => e.StudyId).ToHashSet();
        Assert.Subset(listed, ids);
    }

    [Fact]
    public async Task Submissions_retried_with_one_request_id_create_one_study_and_all_report_it_created()
    {
        await using var node = await HyperTuneNode.StartAsync(Options());
        var client = new HyperTuneClient(node);

        var submitted = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            client.SubmitAsync(Spec("retried"), fresh: true, requestId: "request-1")));
        var later = await client.SubmitAsync(Spec("retried"), fresh: true, requestId: "request-1");
        var another = await client.SubmitAsync(Spec("retried"), fresh: true, requestId: "request-2");

        Assert.Single(submitted.Select(s => s.StudyId).Append(later.StudyId).Distinct());
        Assert.All(submitted.Append(later), s => Assert.True(s.Created));
        Assert.NotEqual(later.StudyId, another.StudyId);
        Assert.Equal(2, (await client.ListAsync()).Count);
    }

    [Fact]
    public async Task An_explicit_study_id_is_idempotent()
    {
        await using var node = await HyperTuneNode.StartAsync(Options());
        var client = new HyperTuneClient(node);

        var first = await client.SubmitAsync(Spec("by-id"), studyId: "chosen");
        var second = await client.SubmitAsync(Spec("by-id"), studyId: "chosen");

        Assert.Equal(("chosen", true, "chosen", false), (first.StudyId, first.Created, second.StudyId, second.Created));
        Assert.Single(await client.ListAsync());
    }

    [Fact]
    public async Task A_submission_refused_for_an_existing_study_leaves_that_study_listed_and_lists_nothing_else()
    {
        await using var node = await HyperTuneNode.StartAsync(Options());
        var client = new HyperTuneClient(node);
        await client.SubmitAsync(Spec("taken"), studyId: "taken");
        // A study its creator never listed (as a submission of an earlier version that timed out could leave).
        var unlisted = await node.Studies.Ask<object>(new StudyProtocol.SubmitStudy("unlisted", Spec("unlisted")), TimeSpan.FromSeconds(30));
        Assert.IsType<StudyProtocol.StudySubmitted>(unlisted);

        // Same ids, other specs: the coordinators refuse. The reservation made for "unlisted" is kept, since that
        // study exists: it is listed from now on.
        await Assert.ThrowsAsync<StudyRejectedException>(() => client.SubmitAsync(Spec("other-spec"), studyId: "taken"));
        await Assert.ThrowsAsync<StudyRejectedException>(() => client.SubmitAsync(Spec("other-spec"), studyId: "unlisted"));

        Assert.Equal(new[] { "taken", "unlisted" }, (await client.ListAsync()).Select(e => e.StudyId));
    }

    [Fact]
    public async Task A_pausing_scheduler_on_a_process_that_cannot_resume_is_refused_before_anything_is_reserved()
    {
        await using var node = await HyperTuneNode.StartAsync(Options());
        var client = new HyperTuneClient(node);
        const string spec = """
            {
              "name": "no-checkpoints",
              "objective": { "metric": "value", "direction": "minimize" },
              "trainable": { "type": "process", "command": "python3", "steps": 27 },
              "space": [ { "name": "x", "type": "float", "low": 0, "high": 1 } ],
              "scheduler": { "type": "successive-halving", "minResource": 1, "reductionFactor": 3 },
              "budget": { "maxTrials": 9 }
            }
            """;

        var refused = await Assert.ThrowsAsync<HyperTune.Core.Specs.SpecException>(() => client.SubmitAsync(spec));

        Assert.Contains("checkpoints", refused.Message);
        Assert.Empty(await client.ListAsync());
    }

    [Fact]
    public async Task Queries_for_unknown_studies_write_nothing_to_the_journal()
    {
        await using var node = await HyperTuneNode.StartAsync(Options());
        var client = new HyperTuneClient(node);
        // Sharding writes its own bookkeeping once, shortly after the node is up: count from when that has settled.
        var rowsBefore = await SettledJournalRowsAsync();

        for (var i = 0; i < 50; i++) Assert.Null(await client.GetAsync($"no-such-study-{i % 5}"));
        await Assert.ThrowsAsync<StudyRejectedException>(() => client.StopAsync("no-such-study", "test"));

        Assert.Equal(rowsBefore, JournalRows());
    }

    [Fact]
    public async Task A_study_reserved_but_never_created_is_listed_as_reserved_and_a_retry_creates_it()
    {
        await using var node = await HyperTuneNode.StartAsync(Options());
        var client = new HyperTuneClient(node);
        // A submission that reserved its study and then timed out before the coordinator created it.
        var reserved = await node.Registry.Ask<Registry.StudyRegistryProtocol.ReservedStudy>(
            new Registry.StudyRegistryProtocol.ReserveStudy("half-done", false, null, "lost-request"), TimeSpan.FromSeconds(30));

        var listed = await new Api.StudyApi(node).ListAsync(CancellationToken.None);
        var retried = await client.SubmitAsync(Spec("half-done"), requestId: "lost-request");

        Assert.Equal(200, listed.StatusCode);
        Assert.Contains("{\"study\":\"half-done\",\"status\":\"reserved\"}", listed.Json);
        Assert.Equal((reserved.Study.StudyId, true), (retried.StudyId, retried.Created));
        Assert.NotNull(await client.GetAsync("half-done"));
    }
}
