using HyperTune.Cluster.Checkpoints;
using HyperTune.Cluster.Hosting;
using HyperTune.Cluster.Workers;

namespace HyperTune.Cluster.Tests;

/// <summary>Checkpoint copies in an SQLite file (the PostgreSQL case runs in the integration suite).</summary>
public sealed class DatabaseCheckpointStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-ckpt-store-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Checkpoint(string name, int bytes)
    {
        var dir = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        var data = new byte[bytes];
        new Random(bytes).NextBytes(data);
        File.WriteAllBytes(Path.Combine(dir, "weights.bin"), data);
        File.WriteAllText(Path.Combine(dir, "sub", "state.json"), $"{{\"step\": {bytes}}}");
        return dir;
    }

    internal static async Task RoundTripAsync(ICheckpointStore store, string dir)
    {
        var source = Path.Combine(dir, "source");
        Directory.CreateDirectory(Path.Combine(source, "sub"));
        // Larger than a chunk, so it spans rows.
        var weights = new byte[DatabaseCheckpointStore.ChunkBytes * 2 + 123];
        new Random(7).NextBytes(weights);
        File.WriteAllBytes(Path.Combine(source, "weights.bin"), weights);
        File.WriteAllText(Path.Combine(source, "sub", "state.json"), "{\"step\": 8}");
        var key = new CheckpointKey("s", "inc", 3, 8);
        await store.KeepAsync(key, source, default);
        await store.KeepAsync(key with { Step = 4 }, source, default);
        await store.KeepAsync(key with { Step = 12 }, source, default);

        var target = Path.Combine(dir, "target");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "stale.txt"), "from before");
        Assert.True(await store.RestoreAsync(key, target, default));
        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(target, "weights.bin")));
        Assert.Equal("{\"step\": 8}", File.ReadAllText(Path.Combine(target, "sub", "state.json")));
        Assert.False(File.Exists(Path.Combine(target, "stale.txt")));

        Assert.Equal(8, await store.LatestAsync("s", "inc", 3, 11, default));
        Assert.Equal(12, await store.LatestAsync("s", "inc", 3, 100, default));
        Assert.Null(await store.LatestAsync("s", "inc", 3, 3, default));
        Assert.Null(await store.LatestAsync("s", "other", 3, 100, default));
        Assert.False(await store.RestoreAsync(key with { Trial = 4 }, Path.Combine(dir, "none"), default));
        Assert.False(Directory.Exists(Path.Combine(dir, "none")));

        await store.DiscardBeforeAsync("s", "inc", 3, 12, default);
        Assert.Null(await store.LatestAsync("s", "inc", 3, 11, default));
        Assert.True(await store.RestoreAsync(key with { Step = 12 }, target, default));

        // A finished incarnation's copies go; another incarnation's stay.
        await store.KeepAsync(key with { Incarnation = "old" }, source, default);
        await store.DiscardIncarnationAsync("s", "old", default);
        Assert.Null(await store.LatestAsync("s", "old", 3, 100, default));
        Assert.Equal(12, await store.LatestAsync("s", "inc", 3, 100, default));
        await store.DiscardIncarnationAsync("s", "never-stored", default);

        // A deleted study's copies go, of every incarnation; another study's stay.
        await store.KeepAsync(key with { Incarnation = "inc-2" }, source, default);
        await store.KeepAsync(key with { StudyId = "t" }, source, default);
        await store.DeleteStudyAsync("s", default);
        Assert.Null(await store.LatestAsync("s", "inc", 3, 100, default));
        Assert.Null(await store.LatestAsync("s", "inc-2", 3, 100, default));
        Assert.Equal(8, await store.LatestAsync("t", "inc", 3, 100, default));
        await store.DeleteStudyAsync("never-stored", default);
    }

    [Fact]
    public async Task Copies_round_trip_through_an_sqlite_file_of_their_own_and_old_ones_are_discarded()
    {
        var storage = StorageSpec.SqliteFile(Path.Combine(_dir, "studies.db"));
        await RoundTripAsync(new DatabaseCheckpointStore(storage), _dir);
        Assert.True(File.Exists(Path.Combine(_dir, "studies.checkpoints.db")));
        Assert.False(File.Exists(Path.Combine(_dir, "studies.db")));
    }

    [Fact]
    public async Task The_directory_store_does_the_same_under_the_checkpoint_root()
    {
        await RoundTripAsync(new DirectoryCheckpointStore(Path.Combine(_dir, "root")), _dir);
        Assert.Equal(new[] { "t" }, Directory.GetDirectories(Path.Combine(_dir, "root")).Select(Path.GetFileName));
        // A study id that is not one plain name never reaches outside the root.
        Assert.Throws<ArgumentException>(() => CheckpointDirectories.DeleteStudy(Path.Combine(_dir, "root"), "../root"));
        Assert.True(Directory.Exists(Path.Combine(_dir, "root", "t")));
    }

    [Fact]
    public async Task Deleting_a_study_from_a_store_never_written_creates_no_file()
    {
        var storage = StorageSpec.SqliteFile(Path.Combine(_dir, "studies.db"));
        await new DatabaseCheckpointStore(storage).DeleteStudyAsync("s", default);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void An_in_memory_study_store_has_no_database_for_checkpoints()
    {
        var e = Assert.Throws<ArgumentException>(() => new DatabaseCheckpointStore(StorageSpec.Memory));
        Assert.Contains("not memory", e.Message);
    }
}
