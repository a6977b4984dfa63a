using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using HyperTune.Core.Specs;
using HyperTune.Trainables;
using HyperTune.Trainables.Processes;

namespace HyperTune.Cluster.Workers;

/// <summary>
/// Trainables shared by the workers of a node, so a trainable is created once per node rather than once per trial.
/// Trainables are stateless between runs, so sharing them is safe. Entries are keyed by a hash of the trainable's
/// JSON: the cache keeps neither the texts nor the specs they came from (only the last text, to skip hashing it
/// again). A process trainable whose command this node does not allow is refused here, so no worker of the node
/// starts it whatever the submitting node allowed.
/// </summary>
public sealed class TrainableCache
{
    private const int MaxEntries = 256;
    private readonly ConcurrentDictionary<string, ITrainable> _entries = new(StringComparer.Ordinal);
    private readonly ProcessCommandPolicy _processCommands;
    private readonly Trainables.MlNet.DataRootPolicy _dataRoots;
    private readonly Trainables.Assemblies.AssemblyPolicy _assemblies;
    // The last text hashed and its hash (see KeyOf): read and replaced whole by workers on several threads; a stale
    // read only costs a hash.
    private volatile HashedText? _lastKey;

    /// <summary>
    /// Creates the cache of a node whose process trainables follow <paramref name="processCommands"/> and whose
    /// ML.NET trainables read data only under <paramref name="dataRoots"/>, and which loads only the user assemblies
    /// of <paramref name="assemblies"/> (none when null).
    /// </summary>
    public TrainableCache(ProcessCommandPolicy processCommands, Trainables.MlNet.DataRootPolicy? dataRoots = null,
        Trainables.Assemblies.AssemblyPolicy? assemblies = null)
    {
        _processCommands = processCommands;
        _dataRoots = dataRoots ?? Trainables.MlNet.DataRootPolicy.None;
        _assemblies = assemblies ?? Trainables.Assemblies.AssemblyPolicy.None;
    }

    /// <summary>The trainable a trial run spec describes.</summary>
    /// <exception cref="SpecException">
    /// The trainable is invalid (unknown type, bad fields), or its command is not allowed on this node.
    /// </exception>
    public ITrainable Get(TrialRunSpec runSpec)
    {
        var key = KeyOf(runSpec.TrainableJson);
        if (_entries.TryGetValue(key, out var hit)) return hit;
        var spec = runSpec.Trainable();
        // A user assembly is checked against the node's list before anything of it is loaded.
        if (string.Equals(spec.Type, Trainables.Assemblies.AssemblyTrainable.TypeName, StringComparison.OrdinalIgnoreCase)
            && _assemblies.Refusal(new Trainables.Assemblies.AssemblyTrainableReference(spec.Reader()).Path) is { } refused)
            throw new SpecException("trainable.path", refused);
        var trainable = TrainableFactory.Load(spec);
        // A program may register a new objective under the same name (a second study in one process): look it up
        // every time, it costs a dictionary lookup.
        if (string.Equals(spec.Type, Trainables.InProcess.InProcessTrainables.TypeName, StringComparison.OrdinalIgnoreCase))
            return trainable;
        if (trainable is ProcessTrainable process && _processCommands.Refusal(process.Command) is { } refusal)
            throw new SpecException("trainable.command", refusal);
        if (trainable is Trainables.MlNet.MlNetTrainable learner && _dataRoots.Refusal(learner) is { } dataRefusal)
            throw new SpecException("trainable.data", dataRefusal);
        if (_entries.Count >= MaxEntries) _entries.Clear();
        _entries[key] = trainable;
        return trainable;
    }

    /// <summary>
    /// The hash of a trainable's JSON. A node's trials mostly come from one study in a row, so the last text and its
    /// hash are kept: comparing the text is far cheaper than hashing it again for every short trial.
    /// </summary>
    private string KeyOf(string json)
    {
        var last = _lastKey;
        if (last is not null && string.Equals(last.Json, json, StringComparison.Ordinal)) return last.Key;
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
        _lastKey = new HashedText(json, key);
        return key;
    }


    private sealed record HashedText(string Json, string Key);
}
