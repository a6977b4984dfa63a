using Akka.TestKit.Xunit2;
using HyperTune.Cluster.Hosting;

namespace HyperTune.Cluster.Tests;

/// <summary>The journal warm-up a coordinator node runs while it joins.</summary>
public sealed class PersistenceWarmupSpec : IDisposable
{
    private readonly SqliteMemoryDatabase _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task It_reads_the_journal_once_then_stops_without_writing_anything()
    {
        using var kit = new TestKit(TestConfig.Local(_db.Storage), "warmup-ok");
        var done = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var warmup = kit.Sys.ActorOf(PersistenceWarmup.Props("warmup-test", done));
        kit.Watch(warmup);

        var took = await done.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(took > TimeSpan.Zero);
        kit.ExpectTerminated(warmup, TimeSpan.FromSeconds(10));
        Assert.Equal(0L, _db.JournalRows());
    }

    [Fact]
    public async Task A_journal_it_cannot_read_fails_it_with_an_error_saying_so()
    {
        // A database file in a directory that does not exist: every query fails.
        var storage = new StorageSpec(StorageKind.Sqlite, $"Data Source={Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "missing", "x.db")}");
        using var kit = new TestKit(TestConfig.Local(storage, "akka.persistence.journal-plugin-fallback.recovery-event-timeout = 5s"), "warmup-fails");
        var done = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        kit.Sys.ActorOf(PersistenceWarmup.Props("warmup-test", done));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => done.Task.WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.StartsWith("the journal could not be read: ", error.Message);
    }
}
