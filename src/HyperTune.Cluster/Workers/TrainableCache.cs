using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using HyperTune.Core.Specs;
using HyperTune.Trainables;

namespace HyperTune.Cluster.Workers;

/// <summary>
/// Trainables shared by the workers of a node, so a trainable is created once per node rather than once per trial.
/// Trainables are stateless between runs, so sharing them is safe. Entries are keyed by a hash of the trainable's
/// JSON: the cache keeps neither the texts nor the specs they came from.
/// </summary>
public sealed class TrainableCache
{
    private const int MaxEntries = 256;
    private readonly ConcurrentDictionary<string, ITrainable> _entries = new(StringComparer.Ordinal);

    /// <summary>The trainable a trial run spec describes.</summary>
    /// <exception cref="SpecException">The trainable is invalid (unknown type, bad fields).</exception>
    public ITrainable Get(TrialRunSpec runSpec)
    {
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(runSpec.TrainableJson)));
        if (_entries.TryGetValue(key, out var hit)) return hit;
        var trainable = TrainableFactory.Create(runSpec.Trainable(), space: null);
        if (_entries.Count >= MaxEntries) _entries.Clear();
        _entries[key] = trainable;
        return trainable;
    }
}
