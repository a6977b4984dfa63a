using Akka.Configuration;
using HyperTune.Trainables.Assemblies;

namespace HyperTune.Cluster.Workers;

/// <summary>Reads the user assemblies a node lets <c>assembly</c> trainables load.</summary>
public static class UserAssemblies
{
    /// <summary>The policy of <c>hypertune.trainables.assembly.allowed-paths</c> (none allowed when unset).</summary>
    /// <exception cref="ConfigurationException">An entry is not an absolute path.</exception>
    public static AssemblyPolicy From(Config config) =>
        TrainablePolicyConfig.Read(config, AssemblyPolicy.ConfigKey, entries => new AssemblyPolicy(entries),
            AssemblyPolicy.None);
}
