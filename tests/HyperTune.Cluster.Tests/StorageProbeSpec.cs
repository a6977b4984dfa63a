using Akka.TestKit.Xunit2;
using HyperTune.Cluster.Hosting;

namespace HyperTune.Cluster.Tests;

/// <summary>The storage probe behind <c>/health</c> and <c>/ready</c>.</summary>
public sealed class StorageProbeSpec : IDisposable
{
    private readonly SqliteMemoryDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private static async Task<StorageStatus> WaitForCheckAsync(StorageHealth health)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (health.Current.LastChecked is null && DateTime.UtcNow < deadline) await Task.Delay(50);
        return health.Current;
    }

    [Fact]
    public async Task A_journal_that_answers_is_reachable_and_the_check_writes_nothing()
    {
        using var kit = new TestKit(TestConfig.Local(_db.Storage), "probe-ok");
        var health = new StorageHealth(StorageStatus.Unchecked);
        kit.Sys.ActorOf(StorageProbe.Props(health, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(20)));

        var status = await WaitForCheckAsync(health);

        Assert.Equal((true, "reachable"), (status.Reachable, status.Describe()));
        Assert.Equal(0L, _db.JournalRows());
    }

    [Fact]
    public async Task A_journal_that_fails_is_unreachable_since_the_first_failure_with_the_reason()
    {
        // A database file in a directory that does not exist: every query fails.
        var storage = new StorageSpec(StorageKind.Sqlite, $"Data Source={Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "missing", "x.db")}");
        using var kit = new TestKit(TestConfig.Local(storage), "probe-fails");
        var health = new StorageHealth(StorageStatus.Unchecked);
        kit.Sys.ActorOf(StorageProbe.Props(health, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(20)));

        var first = await WaitForCheckAsync(health);
        await Task.Delay(500);
        var later = health.Current;

        Assert.False(first.Reachable);
        Assert.NotNull(first.LastError);
        Assert.StartsWith("unreachable since ", later.Describe());
        Assert.Equal(first.UnreachableSince, later.UnreachableSince);
    }

    [Fact]
    public void Health_keeps_when_an_outage_began_and_forgets_it_once_answered()
    {
        var t0 = DateTimeOffset.UnixEpoch;
        var health = new StorageHealth(StorageStatus.Unchecked);
        health.Failed(t0, "down");
        health.Failed(t0.AddSeconds(5), "still down");
        Assert.Equal((t0, "still down"), (health.Current.UnreachableSince, health.Current.LastError));
        health.Answered(t0.AddSeconds(9));
        Assert.Equal((true, (DateTimeOffset?)null), (health.Current.Reachable, health.Current.UnreachableSince));
        Assert.Equal("not used by this node", StorageStatus.NotUsed.Describe());
    }
}
