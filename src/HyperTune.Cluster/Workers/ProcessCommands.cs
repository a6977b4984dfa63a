using Akka.Configuration;
using HyperTune.Trainables.Processes;

namespace HyperTune.Cluster.Workers;

/// <summary>Reads a node's process-trainable allow-list from its config.</summary>
public static class ProcessCommands
{
    /// <summary>The policy of <c>hypertune.trainables.process.allowed-commands</c> (none allowed when unset).</summary>
    /// <exception cref="ConfigurationException">An entry is neither an absolute path nor a bare program name.</exception>
    public static ProcessCommandPolicy From(Config config)
    {
        var entries = config.HasPath(ProcessCommandPolicy.ConfigKey)
            ? config.GetStringList(ProcessCommandPolicy.ConfigKey)
            : Array.Empty<string>();
        try
        {
            return entries.Count == 0 ? ProcessCommandPolicy.None : new ProcessCommandPolicy(entries);
        }
        catch (ArgumentException e)
        {
            throw new ConfigurationException(e.Message);
        }
    }
}
