using Akka.Configuration;
using HyperTune.Cluster.Hosting;

namespace HyperTune.Cluster.Tests;

public sealed class PausedNodeDowningTests
{
    private static Config Defaults(string extra = "") =>
        ConfigurationFactory.ParseString(extra).WithFallback(HyperTuneNode.DefaultConfig());

    [Fact]
    public void By_default_a_node_downs_itself_after_a_pause_as_long_as_the_others_take_to_down_it()
    {
        // acceptable-heartbeat-pause 6 s + stable-after 6 s in the shipped defaults.
        Assert.Equal(TimeSpan.FromSeconds(12), PausedNodeDowning.Threshold(Defaults()));
        Assert.Equal(TimeSpan.FromSeconds(20),
            PausedNodeDowning.Threshold(Defaults("akka.cluster.split-brain-resolver.stable-after = 14s")));
    }

    [Fact]
    public void The_threshold_can_be_set_or_turned_off()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), PausedNodeDowning.Threshold(Defaults("hypertune.node.down-after-pause = 30s")));
        Assert.Null(PausedNodeDowning.Threshold(Defaults("hypertune.node.down-after-pause = off")));
    }
}
