using Akka.Configuration;
using HyperTune.Trainables.Processes;

namespace HyperTune.Cluster.Workers;

/// <summary>Reads a node's process-trainable allow-list from its config.</summary>
public static class ProcessCommands
{
    /// <summary>The policy of <c>hypertune.trainables.process.allowed-commands</c> (none allowed when unset).</summary>
    /// <exception cref="ConfigurationException">An entry is neither an absolute path nor a bare program name.</exception>
    public static ProcessCommandPolicy From(Config config) =>
        TrainablePolicyConfig.Read(config, ProcessCommandPolicy.ConfigKey, entries => new ProcessCommandPolicy(entries),
            ProcessCommandPolicy.None);
}
