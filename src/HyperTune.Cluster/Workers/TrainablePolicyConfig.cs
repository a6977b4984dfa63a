using Akka.Configuration;

namespace HyperTune.Cluster.Workers;

/// <summary>Reads an allow-list of a node's trainables (programs, data folders, assemblies) from its config.</summary>
internal static class TrainablePolicyConfig
{
    /// <summary>
    /// The policy built from the list at <paramref name="key"/>, or <paramref name="none"/> when it is unset or empty.
    /// </summary>
    /// <exception cref="ConfigurationException">An entry is refused by the policy (the message names the key).</exception>
    public static T Read<T>(Config config, string key, Func<IReadOnlyList<string>, T> create, T none)
    {
        var entries = config.HasPath(key) ? config.GetStringList(key) : Array.Empty<string>();
        try
        {
            return entries.Count == 0 ? none : create(entries.ToArray());
        }
        catch (ArgumentException e)
        {
            throw new ConfigurationException(e.Message);
        }
    }
}
