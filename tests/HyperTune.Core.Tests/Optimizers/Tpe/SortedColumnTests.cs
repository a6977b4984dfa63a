using HyperTune.Core.Optimizers.Tpe;

namespace HyperTune.Core.Tests.Optimizers.Tpe;

public class SortedColumnTests
{
    private static List<(double, int)> Entries(int count, int salt) =>
        Enumerable.Range(0, count).Select(i => ((double)((i * 37 + salt) % 11) / 10, i)).ToList();

    [Fact]
    public void A_rebuilt_column_equals_one_built_entry_by_entry_with_ties_in_trial_number_order()
    {
        // 80 entries exceed the rebuild threshold; ten at a time stay below it.
        var entries = Entries(80, 3);
        var rebuilt = new SortedColumn();
        rebuilt.Apply(new List<(double, int)>(), entries.ToList());
        var incremental = new SortedColumn();
        foreach (var chunk in entries.Chunk(10)) incremental.Apply(new List<(double, int)>(), chunk.ToList());

        var expected = entries.OrderBy(e => e.Item1).ThenBy(e => e.Item2).ToList();
        Assert.Equal(expected.Select(e => e.Item1), rebuilt.Values.ToArray());
        Assert.Equal(expected.Select(e => e.Item2), rebuilt.Numbers.ToArray());
        Assert.Equal(rebuilt.Values.ToArray(), incremental.Values.ToArray());
        Assert.Equal(rebuilt.Numbers.ToArray(), incremental.Numbers.ToArray());
    }

    [Fact]
    public void Removed_and_changed_entries_leave_the_column_and_not_a_number_is_never_stored()
    {
        var entries = Entries(100, 5);
        var column = new SortedColumn();
        column.Apply(new List<(double, int)>(), entries.ToList());
        // Trials 0..69 change their value (a rebuild), trial 99 loses it, a new trial has none.
        var removed = entries.Take(70).Append(entries[99]).ToList();
        var added = entries.Take(70).Select(e => (e.Item1 + 0.05, e.Item2)).Append((double.NaN, 100)).ToList();
        column.Apply(removed, added);

        var expected = entries.Skip(70).Take(29).Concat(entries.Take(70).Select(e => (e.Item1 + 0.05, e.Item2)))
            .OrderBy(e => e.Item1).ThenBy(e => e.Item2).ToList();
        Assert.Equal(99, column.Count);
        Assert.Equal(expected.Select(e => e.Item1), column.Values.ToArray());
        Assert.Equal(expected.Select(e => e.Item2), column.Numbers.ToArray());
    }

    [Fact]
    public void A_loaded_column_is_sorted_with_ties_in_trial_number_order_and_repeated_pairs_once()
    {
        var entries = Entries(500, 7);
        var withRepeats = entries.Concat(entries.Take(20)).Reverse().ToList();
        var column = new SortedColumn();
        column.Load(withRepeats.Select(e => e.Item1).ToArray(), withRepeats.Select(e => e.Item2).ToArray(), withRepeats.Count);

        var expected = entries.OrderBy(e => e.Item1).ThenBy(e => e.Item2).ToList();
        Assert.Equal(500, column.Count);
        Assert.Equal(expected.Select(e => e.Item1), column.Values.ToArray());
        Assert.Equal(expected.Select(e => e.Item2), column.Numbers.ToArray());
        // It goes on as any column: an entry inserted afterwards lands in order.
        column.Apply(new List<(double, int)>(), new List<(double, int)> { (0.45, 9999) });
        Assert.Equal(expected.Count(e => e.Item1 <= 0.45), column.Numbers.ToArray().ToList().IndexOf(9999));
    }
}
