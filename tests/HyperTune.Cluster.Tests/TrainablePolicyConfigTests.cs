using Akka.Configuration;
using HyperTune.Cluster.Workers;
using HyperTune.Trainables.Assemblies;
using HyperTune.Trainables.MlNet;
using HyperTune.Trainables.Processes;

namespace HyperTune.Cluster.Tests;

public class TrainablePolicyConfigTests
{
    [Fact]
    public void Unset_lists_allow_nothing_and_set_lists_are_read()
    {
        var empty = ConfigurationFactory.Empty;
        Assert.Same(ProcessCommandPolicy.None, ProcessCommands.From(empty));
        Assert.Same(DataRootPolicy.None, MlNetDataRoots.From(empty));
        Assert.Same(AssemblyPolicy.None, UserAssemblies.From(empty));
        var set = ConfigurationFactory.ParseString(
            "hypertune.trainables.mlnet.data-roots = [\"/srv/data\"]\n" +
            "hypertune.trainables.assembly.allowed-paths = [\"/srv/models/User.dll\"]");
        Assert.Equal(["/srv/data"], MlNetDataRoots.From(set).Roots);
        Assert.Equal(["/srv/models/User.dll"], UserAssemblies.From(set).Allowed);
    }

    [Fact]
    public void A_relative_entry_is_a_config_error_naming_the_key()
    {
        var roots = ConfigurationFactory.ParseString("hypertune.trainables.mlnet.data-roots = [\"data\"]");
        Assert.Contains(DataRootPolicy.ConfigKey, Assert.Throws<ConfigurationException>(() => MlNetDataRoots.From(roots)).Message);
        var dlls = ConfigurationFactory.ParseString("hypertune.trainables.assembly.allowed-paths = [\"User.dll\"]");
        Assert.Contains(AssemblyPolicy.ConfigKey, Assert.Throws<ConfigurationException>(() => UserAssemblies.From(dlls)).Message);
        var commands = ConfigurationFactory.ParseString("hypertune.trainables.process.allowed-commands = [\"bin/sh\"]");
        Assert.Contains(ProcessCommandPolicy.ConfigKey,
            Assert.Throws<ConfigurationException>(() => ProcessCommands.From(commands)).Message);
    }
}
