using Akka.Actor;
using Akka.Configuration;
using Akka.Coordination;
using HyperTune.Cluster.Hosting;
using HyperTune.Cluster.Leases;

namespace HyperTune.Cluster.Tests;

/// <summary>The split-brain resolver's lease on the node's lease store (in-process here).</summary>
public sealed class DatabaseLeaseTests : IAsyncLifetime
{
    private ActorSystem _system = null!;

    public Task InitializeAsync()
    {
        _system = ActorSystem.Create("lease", ConfigurationFactory.ParseString("""
                akka.actor.provider = local
                akka.loglevel = WARNING
                hypertune.lease.store = memory
                hypertune.lease.downing { heartbeat-timeout = 3s, heartbeat-interval = 500ms, acquire-wait = 1s }
                """).WithFallback(HyperTuneNode.DefaultConfig()));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _system.Terminate();

    private Lease LeaseFor(string owner) =>
        LeaseProvider.Get(_system).GetLease("hypertune-akka-sbr", "hypertune.lease.downing", owner);

    [Fact]
    public async Task One_side_gets_the_lease_and_the_other_gives_up_after_acquire_wait_until_it_is_released()
    {
        var winner = LeaseFor("127.0.0.1:1");
        var loser = LeaseFor("127.0.0.1:2");
        Assert.IsType<DatabaseLease>(winner);
        Assert.True(await winner.Acquire());
        Assert.True(winner.CheckLease());

        // Renewals keep it held past its 3 s ttl, so the other side's wait (1 s) ends without it.
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        Assert.False(await loser.Acquire());
        Assert.False(loser.CheckLease());
        Assert.True(winner.CheckLease());

        Assert.True(await winner.Release());
        Assert.False(winner.CheckLease());
        Assert.True(await loser.Acquire());
        Assert.Equal("127.0.0.1:2", await ClusterLeases.Get(_system).Store!.HolderAsync("hypertune-akka-sbr"));
        await loser.Release();
    }
}
