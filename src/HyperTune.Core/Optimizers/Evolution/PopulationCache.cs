using HyperTune.Core.Studies;

namespace HyperTune.Core.Optimizers.Evolution;

/// <summary>
/// Survivors per generation, remembered with the members they were selected from (numbers, states and values):
/// a generation's members never change once finished, so a hit gives what recomputing would. It keeps a long
/// study's cost per suggestion from growing with its number of generations.
/// </summary>
internal sealed class PopulationCache
{
    private readonly Dictionary<int, (string Key, List<TrialRecord> Population)> _entries = new();

    public bool TryGet(int generation, IReadOnlyList<TrialRecord> members, out List<TrialRecord> population)
    {
        population = null!;
        if (!_entries.TryGetValue(generation, out var entry) || entry.Key != Key(members)) return false;
        population = entry.Population;
        return true;
    }

    public void Set(int generation, IReadOnlyList<TrialRecord> members, List<TrialRecord> population) =>
        _entries[generation] = (Key(members), population);

    private static string Key(IReadOnlyList<TrialRecord> members) =>
        string.Join(";", members.Select(t => $"{t.Number}:{t.State}:{t.Value:R}:{t.Metrics.Count}"));
}
