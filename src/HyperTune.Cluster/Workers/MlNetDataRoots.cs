using Akka.Configuration;
using HyperTune.Trainables.MlNet;

namespace HyperTune.Cluster.Workers;

/// <summary>Reads the folders a node lets ML.NET trainables read data from.</summary>
public static class MlNetDataRoots
{
    /// <summary>The policy of <c>hypertune.trainables.mlnet.data-roots</c> (no folder allowed when unset).</summary>
    /// <exception cref="ConfigurationException">An entry is not an absolute path.</exception>
    public static DataRootPolicy From(Config config) =>
        TrainablePolicyConfig.Read(config, DataRootPolicy.ConfigKey, entries => new DataRootPolicy(entries),
            DataRootPolicy.None);
}
