using HyperTune.Cluster.Leases;
using HyperTune.LocalCluster;

namespace HyperTune.Integration.Tests;

/// <summary>The lease table on a real PostgreSQL server: one owner at a time, timed by the database's clock.</summary>
[Trait("Category", "Integration")]
public sealed class PostgresLeaseStoreTests : IAsyncLifetime
{
    private PostgresServer _db = null!;
    private PostgresLeaseStore _store = null!;

    public async Task InitializeAsync()
    {
        _db = await PostgresServer.StartAsync();
        _store = new PostgresLeaseStore(_db.ConnectionString, "hypertune_leases", TimeSpan.FromSeconds(10));
    }

    public async Task DisposeAsync()
    {
        _store.Dispose();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task A_live_lease_is_refused_to_others_and_renewed_for_its_owner_until_released()
    {
        var ttl = TimeSpan.FromMinutes(1);
        Assert.True((await _store.TryAcquireAsync("study/s", "node-a", ttl)).Acquired);
        var refused = await _store.TryAcquireAsync("study/s", "node-b", ttl);
        Assert.False(refused.Acquired);
        Assert.Equal("node-a", refused.Holder);
        Assert.InRange(refused.HolderRemaining!.Value, TimeSpan.FromSeconds(1), ttl);
        Assert.True((await _store.TryAcquireAsync("study/s", "node-a", ttl)).Acquired);
        Assert.True((await _store.TryAcquireAsync("study/other", "node-b", ttl)).Acquired);

        Assert.False(await _store.ReleaseAsync("study/s", "node-b"));
        Assert.Equal("node-a", await _store.HolderAsync("study/s"));
        Assert.True(await _store.ReleaseAsync("study/s", "node-a"));
        Assert.Null(await _store.HolderAsync("study/s"));
        Assert.True((await _store.TryAcquireAsync("study/s", "node-b", ttl)).Acquired);
    }

    [Fact]
    public async Task An_expired_lease_goes_to_the_next_owner_and_its_old_owner_cannot_renew_it()
    {
        Assert.True((await _store.TryAcquireAsync("study/e", "frozen", TimeSpan.FromMilliseconds(300))).Acquired);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Null(await _store.HolderAsync("study/e"));
        Assert.True((await _store.TryAcquireAsync("study/e", "successor", TimeSpan.FromMinutes(1))).Acquired);
        var late = await _store.TryAcquireAsync("study/e", "frozen", TimeSpan.FromMinutes(1));
        Assert.False(late.Acquired);
        Assert.Equal("successor", late.Holder);
    }

    [Fact]
    public async Task Instances_of_one_node_share_its_lease_and_a_late_release_of_an_earlier_one_removes_nothing()
    {
        var ttl = TimeSpan.FromMinutes(1);
        Assert.True((await _store.TryAcquireAsync("study/i", "node-a#1/first", ttl)).Acquired);
        Assert.False((await _store.TryAcquireAsync("study/i", "node-a#2/other", ttl)).Acquired);
        Assert.True((await _store.TryAcquireAsync("study/i", "node-a#1/restarted", ttl)).Acquired);
        Assert.False(await _store.ReleaseAsync("study/i", "node-a#1/first"));
        Assert.Equal("node-a#1/restarted", await _store.HolderAsync("study/i"));
    }

    [Fact]
    public async Task A_live_lease_is_taken_over_only_from_the_owner_named_and_then_not_renewed_by_it()
    {
        var ttl = TimeSpan.FromMinutes(1);
        Assert.True((await _store.TryAcquireAsync("sbr", "node-a", ttl)).Acquired);
        var wrong = await _store.TryTakeOverAsync("sbr", "node-c", "node-b", ttl);
        Assert.False(wrong.Acquired);
        Assert.Equal("node-a", wrong.Holder);
        Assert.True((await _store.TryTakeOverAsync("sbr", "node-c", "node-a", ttl)).Acquired);
        Assert.Equal("node-c", await _store.HolderAsync("sbr"));
        var renewal = await _store.TryAcquireAsync("sbr", "node-a", ttl);
        Assert.False(renewal.Acquired);
        Assert.Equal("node-c", renewal.Holder);
        Assert.False(await _store.ReleaseAsync("sbr", "node-a"));
        Assert.True((await _store.TryTakeOverAsync("free", "node-c", "node-a", ttl)).Acquired);
    }

    [Fact]
    public async Task Of_many_nodes_racing_for_a_free_lease_exactly_one_wins()
    {
        var claims = await Task.WhenAll(Enumerable.Range(0, 12)
            .Select(i => _store.TryAcquireAsync("study/race", $"node-{i}", TimeSpan.FromMinutes(1))));
        Assert.Single(claims, c => c.Acquired);
        var holder = await _store.HolderAsync("study/race");
        Assert.All(claims.Where(c => !c.Acquired), c => Assert.Equal(holder, c.Holder));
    }
}
