using Akka.Configuration;
using HyperTune.Cluster.Hosting;
using HyperTune.Core.Specs;

namespace HyperTune.Cluster.Tests;

public class SpecLimitsSettingsTests
{
    [Fact]
    public void The_embedded_defaults_are_the_core_defaults()
    {
        Assert.Equal(SpecLimits.Default, SpecLimitsSettings.From(HyperTuneNode.DefaultConfig()));
    }

    [Fact]
    public void A_node_config_overrides_each_limit_and_sizes_take_hocon_units()
    {
        var config = ConfigurationFactory.ParseString("""
            hypertune.limits {
              max-spec-bytes = 64KiB
              max-categorical-choices = 50
              max-grid-points = 5000000000
              max-parameters = 7
              max-choice-length = 9
              max-model-dimensions = 11
            }
            """).WithFallback(HyperTuneNode.DefaultConfig());
        Assert.Equal(new SpecLimits(65_536, 50, 5_000_000_000, 7, 9, 11), SpecLimitsSettings.From(config));
    }

    [Fact]
    public void A_limit_that_is_not_positive_is_refused()
    {
        var config = ConfigurationFactory.ParseString("hypertune.limits.max-parameters = 0").WithFallback(HyperTuneNode.DefaultConfig());
        Assert.Throws<ArgumentException>(() => SpecLimitsSettings.From(config));
    }
}
