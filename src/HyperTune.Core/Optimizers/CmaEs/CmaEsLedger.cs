using HyperTune.Core.Studies;

namespace HyperTune.Core.Optimizers.CmaEs;

/// <summary>
/// A study history sorted the way CMA-ES reads it: the trials that belong to no generation (startup trials and
/// trials some other optimizer or a user added), and the members of each generation in the order they were
/// suggested.
/// </summary>
public sealed class CmaEsLedger
{
    private static readonly IReadOnlyList<TrialRecord> NoMembers = Array.Empty<TrialRecord>();
    private readonly Dictionary<int, List<(int Index, TrialRecord Trial)>> _generations = new();
    private readonly List<TrialRecord> _outside = new();
    private readonly Dictionary<int, IReadOnlyList<TrialRecord>> _sorted = new();

    /// <summary>Sorts a history.</summary>
    public CmaEsLedger(TrialHistory history)
    {
        foreach (var t in history.Trials)
        {
            if (CmaEsAttributes.Read(t, CmaEsAttributes.Generation) is { } g)
            {
                if (!_generations.TryGetValue(g, out var list)) _generations[g] = list = new();
                list.Add((CmaEsAttributes.Read(t, CmaEsAttributes.Index) ?? int.MaxValue, t));
            }
            else
            {
                _outside.Add(t);
                if (CmaEsAttributes.Read(t, CmaEsAttributes.Startup) is { } s) NextStartupIndex = Math.Max(NextStartupIndex, s + 1);
            }
        }
    }

    /// <summary>Trials in no generation, by trial number: the pool the startup phase draws on.</summary>
    public IReadOnlyList<TrialRecord> Outside => _outside;

    /// <summary>The index the next startup trial takes in the initial design.</summary>
    public int NextStartupIndex { get; }

    /// <summary>The members of a generation ordered by their index (then trial number).</summary>
    public IReadOnlyList<TrialRecord> Members(int generation)
    {
        if (_sorted.TryGetValue(generation, out var cached)) return cached;
        if (!_generations.TryGetValue(generation, out var list)) return NoMembers;
        var sorted = list.OrderBy(m => m.Index).ThenBy(m => m.Trial.Number).Select(m => m.Trial).ToArray();
        _sorted[generation] = sorted;
        return sorted;
    }

    /// <summary>The index the next member of a generation takes.</summary>
    public int NextIndex(int generation)
    {
        if (!_generations.TryGetValue(generation, out var list)) return 0;
        // Past every index in use, and past the member count (members without an index take places too).
        var next = list.Count;
        foreach (var (index, _) in list)
            if (index != int.MaxValue) next = Math.Max(next, index + 1);
        return next;
    }

    /// <summary>
    /// How many members of a generation drawn in run <paramref name="run"/> are running, waiting or completed:
    /// the places of the generation that are taken.
    /// </summary>
    public int Alive(int generation, int run) =>
        Members(generation).Count(t =>
            CmaEsAttributes.Read(t, CmaEsAttributes.Run) == run && (!IsSettled(t) || IsCompleted(t)));

    /// <summary>
    /// The completed trials of the shortest prefix of <paramref name="trials"/> (ignoring those
    /// <paramref name="include"/> rejects) that is entirely finished and holds <paramref name="needed"/> completed
    /// trials; null while there is none. Once such a prefix exists it never changes (its trials are finished and
    /// later trials come after it), so what is computed from it is final.
    /// </summary>
    public static IReadOnlyList<TrialRecord>? CompletedPrefix(IReadOnlyList<TrialRecord> trials, int needed, Func<TrialRecord, bool>? include = null)
    {
        var completed = new List<TrialRecord>(needed);
        if (needed == 0) return completed;
        foreach (var t in trials)
        {
            if (include is not null && !include(t)) continue;
            if (!IsSettled(t)) return null;
            if (IsCompleted(t))
            {
                completed.Add(t);
                if (completed.Count == needed) return completed;
            }
        }
        return null;
    }

    /// <summary>
    /// True for a trial CMA-ES no longer waits for: a finished one, or a paused one (a scheduler stopped it early,
    /// like a pruned trial; waiting for it could stall a generation for the rest of a synchronous rung). Should it be
    /// resumed and complete, the replay then counts it in its generation like any completed member.
    /// </summary>
    public static bool IsSettled(TrialRecord t) => t.State.IsFinished() || t.State == TrialState.Paused;

    /// <summary>True for a trial with a finite final value.</summary>
    public static bool IsCompleted(TrialRecord t) => t.State == TrialState.Complete && t.Value is { } v && double.IsFinite(v);
}
