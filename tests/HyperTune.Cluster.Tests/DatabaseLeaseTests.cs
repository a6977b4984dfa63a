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

    [Fact]
    public async Task A_lease_held_by_a_member_this_node_reaches_is_taken_over_at_once_and_its_holder_loses_it()
    {
        // The resolver's leader changed to a restarted node with a lower address while the previous leader still
        // holds the lease from its decision; that holder is reachable, so on this side of any split.
        ClusterLeases.Get(_system).IsReachableMember = holder => holder == "127.0.0.1:11";
        var previous = LeaseFor("127.0.0.1:11");
        var leader = LeaseFor("127.0.0.1:10");
        Assert.True(await previous.Acquire());

        var asked = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(await leader.Acquire());
        Assert.True(asked.Elapsed < TimeSpan.FromSeconds(1), $"the takeover waited {asked.Elapsed}");
        Assert.True(leader.CheckLease());
        Assert.Equal("127.0.0.1:10", await ClusterLeases.Get(_system).Store!.HolderAsync("hypertune-akka-sbr"));

        // The previous holder's next renewal finds it gone: it stops trusting it and never takes it back.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.False(previous.CheckLease());
        Assert.Equal("127.0.0.1:10", await ClusterLeases.Get(_system).Store!.HolderAsync("hypertune-akka-sbr"));

        // Its resolver's late release removes nothing.
        await previous.Release();
        Assert.True(leader.CheckLease());
        Assert.Equal("127.0.0.1:10", await ClusterLeases.Get(_system).Store!.HolderAsync("hypertune-akka-sbr"));
        await leader.Release();
    }

    [Fact]
    public async Task A_lease_held_by_a_node_this_node_does_not_reach_is_waited_for_and_not_taken()
    {
        ClusterLeases.Get(_system).IsReachableMember = holder => holder == "127.0.0.1:11";
        var otherSide = LeaseFor("127.0.0.1:12");
        var leader = LeaseFor("127.0.0.1:10");
        Assert.True(await otherSide.Acquire());

        Assert.False(await leader.Acquire());
        Assert.True(otherSide.CheckLease());
        Assert.Equal("127.0.0.1:12", await ClusterLeases.Get(_system).Store!.HolderAsync("hypertune-akka-sbr"));
        await otherSide.Release();
    }
}
