using HyperTune.Cluster.Checkpoints;
using HyperTune.Cluster.Hosting;
using HyperTune.LocalCluster;
using Npgsql;

namespace HyperTune.Integration.Tests;

/// <summary>The database checkpoint store on a real PostgreSQL server.</summary>
[Trait("Category", "Integration")]
public sealed class PostgresCheckpointStoreTests : IAsyncLifetime
{
    private PostgresServer _db = null!;
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-ckpt-").FullName;

    public async Task InitializeAsync() => _db = await PostgresServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Two_runs_keeping_the_same_step_at_once_both_succeed_and_one_whole_copy_remains()
    {
        // A population test in CI saw one of two concurrent keeps of a step fail on the primary key (23505).
        var store = new DatabaseCheckpointStore(StorageSpec.Parse(_db.StorageOption));
        var key = new CheckpointKey("population", "i1", 3, 4);
        var sources = Enumerable.Range(0, 6).Select(i =>
        {
            var d = Directory.CreateDirectory(Path.Combine(_dir, $"run{i}")).FullName;
            // Larger than a chunk, so a copy spans several rows that must not mix between runs.
            File.WriteAllBytes(Path.Combine(d, "state.bin"), Enumerable.Repeat((byte)i, 3 * 1024 * 1024 / 2).ToArray());
            return d;
        }).ToList();
        for (var round = 0; round < 3; round++)
            await Task.WhenAll(sources.Select(d => Task.Run(() => store.KeepAsync(key, d, CancellationToken.None))));
        var restored = Directory.CreateDirectory(Path.Combine(_dir, "restored")).FullName;
        Assert.True(await store.RestoreAsync(key, restored, CancellationToken.None));
        var bytes = File.ReadAllBytes(Path.Combine(restored, "state.bin"));
        Assert.Equal(3 * 1024 * 1024 / 2, bytes.Length);
        Assert.Single(bytes.Distinct());
    }

    [Fact]
    public async Task A_nodes_first_keep_while_another_node_creates_the_table_succeeds()
    {
        // CI's population test: node b's first keep (member 3, step 4) failed with 23505 on pg_type_typname_nsp_index
        // because nodes a and c were creating the table at that moment; no copy was kept, so member 3's next run
        // started over from step 0 and member 7's exploit of it failed. Here the other node's creation is held open.
        const string node = "checkpoint-node-b";
        const string theta = "[0.9,0.9]";
        var key = new CheckpointKey("population", "i1", 3, 4);
        var source = Directory.CreateDirectory(Path.Combine(_dir, "member3")).FullName;
        File.WriteAllText(Path.Combine(source, "theta-4.json"), theta);
        await using var otherNode = new NpgsqlConnection(_db.ConnectionString);
        await otherNode.OpenAsync();
        await using var creating = await otherNode.BeginTransactionAsync();
        await using (var create = new NpgsqlCommand(CreateTable, otherNode, creating))
            await create.ExecuteNonQueryAsync();

        var store = new DatabaseCheckpointStore(StorageSpec.Parse(_db.StorageOptionAs(node)));
        var keep = store.KeepAsync(key, source, CancellationToken.None);
        await WaitUntilWaitingOnALockAsync(node, keep);
        await creating.CommitAsync();
        await keep;

        var restored = Directory.CreateDirectory(Path.Combine(_dir, "restored")).FullName;
        Assert.True(await store.RestoreAsync(key, restored, CancellationToken.None));
        Assert.Equal(theta, File.ReadAllText(Path.Combine(restored, "theta-4.json")));
    }

    // What every node's DatabaseCheckpointStore runs on its first use of the table.
    private const string CreateTable =
        "CREATE TABLE IF NOT EXISTS hypertune_checkpoints (study_id TEXT NOT NULL, incarnation TEXT NOT NULL, " +
        "trial INTEGER NOT NULL, step BIGINT NOT NULL, chunk INTEGER NOT NULL, data bytea NOT NULL, " +
        "PRIMARY KEY (study_id, incarnation, trial, step, chunk))";

    private static readonly TimeSpan LockWaitTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LockPoll = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Until a session named <paramref name="applicationName"/> waits on a lock, or <paramref name="operation"/> ends.
    /// </summary>
    private async Task WaitUntilWaitingOnALockAsync(string applicationName, Task operation)
    {
        var deadline = DateTime.UtcNow + LockWaitTimeout;
        while (!operation.IsCompleted)
        {
            var waiting = await _db.QueryAsync(
                $"SELECT count(*) FROM pg_stat_activity WHERE application_name = '{applicationName}' " +
                "AND wait_event_type = 'Lock'");
            if ((long)waiting[0][0]! > 0) return;
            Assert.True(DateTime.UtcNow < deadline, $"no session of {applicationName} waited on a lock");
            await Task.Delay(LockPoll);
        }
    }
}
