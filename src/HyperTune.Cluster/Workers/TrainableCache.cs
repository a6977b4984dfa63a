using System.Collections.Concurrent;
using HyperTune.Core.Specs;
using HyperTune.Trainables;

namespace HyperTune.Cluster.Workers;

/// <summary>
/// Parsed specs and their trainables, shared by the workers of a node so a spec is parsed once per node rather
/// than once per trial. Trainables are stateless between runs, so sharing them is safe.
/// </summary>
public sealed class TrainableCache
{
    private const int MaxEntries = 256;
    private readonly ConcurrentDictionary<string, (StudySpec Spec, ITrainable Trainable)> _entries = new(StringComparer.Ordinal);

    /// <summary>The spec and trainable for a spec text.</summary>
    /// <exception cref="SpecException">The spec or its trainable is invalid.</exception>
    public (StudySpec Spec, ITrainable Trainable) Get(string specJson)
    {
        if (_entries.TryGetValue(specJson, out var hit)) return hit;
        var spec = StudySpecParser.Parse(specJson);
        var entry = (spec, TrainableFactory.Create(spec));
        if (_entries.Count >= MaxEntries) _entries.Clear();
        _entries[specJson] = entry;
        return entry;
    }
}
