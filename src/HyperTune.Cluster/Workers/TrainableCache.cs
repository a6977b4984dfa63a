using System.Collections.Concurrent;
using HyperTune.Core.Specs;
using HyperTune.Trainables;
using HyperTune.Trainables.Processes;

namespace HyperTune.Cluster.Workers;

/// <summary>
/// Parsed specs and their trainables, shared by the workers of a node so a spec is parsed once per node rather
/// than once per trial. Trainables are stateless between runs, so sharing them is safe. A process trainable whose
/// command this node does not allow is refused here, so no worker of the node starts it whatever the submitting
/// node allowed.
/// </summary>
public sealed class TrainableCache
{
    private const int MaxEntries = 256;
    private readonly ConcurrentDictionary<string, (StudySpec Spec, ITrainable Trainable)> _entries = new(StringComparer.Ordinal);
    private readonly ProcessCommandPolicy _processCommands;

    /// <summary>Creates the cache of a node whose process trainables follow <paramref name="processCommands"/>.</summary>
    public TrainableCache(ProcessCommandPolicy processCommands) => _processCommands = processCommands;

    /// <summary>The spec and trainable for a spec text.</summary>
    /// <exception cref="SpecException">The spec or its trainable is invalid, or its command is not allowed here.</exception>
    public (StudySpec Spec, ITrainable Trainable) Get(string specJson)
    {
        if (_entries.TryGetValue(specJson, out var hit)) return hit;
        var spec = StudySpecParser.Parse(specJson);
        var trainable = TrainableFactory.Create(spec);
        if (trainable is ProcessTrainable process && _processCommands.Refusal(process.Command) is { } refusal)
            throw new SpecException("trainable.command", refusal);
        var entry = (spec, trainable);
        if (_entries.Count >= MaxEntries) _entries.Clear();
        _entries[specJson] = entry;
        return entry;
    }
}
