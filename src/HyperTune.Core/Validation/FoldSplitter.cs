using HyperTune.Core.Randomness;

namespace HyperTune.Core.Validation;

/// <summary>
/// Splits rows into folds or into a train and a held-out part, deterministically for a seed. With strata (class
/// labels), each stratum is shuffled and dealt out on its own, so every part keeps each class's share (as
/// scikit-learn's StratifiedKFold does, though not with its exact assignment).
/// </summary>
public static class FoldSplitter
{
    /// <summary>
    /// The fold (0..folds-1) of each of <paramref name="rows"/> rows. Fold sizes differ by at most one per stratum.
    /// </summary>
    /// <param name="rows">Number of rows.</param>
    /// <param name="folds">Number of folds, at least 2 and at most the number of rows.</param>
    /// <param name="seed">Seed of the shuffle.</param>
    /// <param name="strata">The stratum (class) of each row, or null for a plain shuffle.</param>
    public static int[] Assign(int rows, int folds, long seed, IReadOnlyList<int>? strata = null)
    {
        if (folds < 2) throw new ArgumentOutOfRangeException(nameof(folds), folds, "at least 2 folds");
        if (rows < folds) throw new ArgumentException($"{rows} rows cannot make {folds} folds", nameof(rows));
        var fold = new int[rows];
        var next = 0;
        // Dealing continues from one stratum to the next, so the small remainders of the strata even out.
        foreach (var group in Groups(rows, seed, strata))
            foreach (var row in group)
                fold[row] = next++ % folds;
        return fold;
    }

    /// <summary>
    /// Which rows are held out (true) when <paramref name="fraction"/> of them are: of each stratum, its share
    /// rounded, and at least one row overall and one row kept.
    /// </summary>
    public static bool[] Holdout(int rows, double fraction, long seed, IReadOnlyList<int>? strata = null)
    {
        if (rows < 2) throw new ArgumentException("a holdout needs at least 2 rows", nameof(rows));
        if (fraction is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "in (0, 1)");
        var held = new bool[rows];
        var target = Math.Clamp((int)Math.Round(fraction * rows), 1, rows - 1);
        var taken = 0;
        var seen = 0;
        foreach (var group in Groups(rows, seed, strata))
        {
            // Each stratum gives its share of the running total, so rounding never drifts by more than one row.
            seen += group.Count;
            var due = (int)Math.Round((double)target * seen / rows) - taken;
            for (var i = 0; i < due && i < group.Count; i++) held[group[i]] = true;
            taken += Math.Min(due, group.Count);
        }
        return held;
    }

    private static IEnumerable<List<int>> Groups(int rows, long seed, IReadOnlyList<int>? strata)
    {
        if (strata is not null && strata.Count != rows)
            throw new ArgumentException($"{strata.Count} strata for {rows} rows", nameof(strata));
        var random = new SeededRandom(seed);
        if (strata is null)
        {
            var all = Enumerable.Range(0, rows).ToList();
            random.Shuffle(all);
            yield return all;
            yield break;
        }
        foreach (var group in Enumerable.Range(0, rows).GroupBy(r => strata[r]).OrderBy(g => g.Key))
        {
            var members = group.ToList();
            random.Shuffle(members);
            yield return members;
        }
    }
}
