using HyperTune.Cluster.Checkpoints;
using HyperTune.Cluster.Hosting;
using HyperTune.LocalCluster;

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
}
