using HyperTune.Core.Optimizers.Tpe;

namespace HyperTune.Core.Tests.Optimizers.Tpe;

public class DoubleKeySortTests
{
    [Theory]
    [InlineData(10, 1)]
    [InlineData(DoubleKeySort.RadixThreshold - 1, 2)]
    [InlineData(DoubleKeySort.RadixThreshold, 3)]
    [InlineData(3000, 4)]
    public void Keys_come_out_ascending_with_ties_in_item_order_and_every_key_keeps_its_item_and_its_exact_bits(int count, int seed)
    {
        var random = new Random(seed);
        // Negative and positive values, both zeros, infinities and many repeats: every case the bit mapping handles.
        var pool = new[] { 0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, 1e-300, -1e-300, 0.5, -2.5, 1.0 };
        var keys = Enumerable.Range(0, count)
            .Select(_ => random.Next(3) == 0 ? pool[random.Next(pool.Length)] : (random.NextDouble() - 0.3) * Math.Pow(10, random.Next(-5, 6)))
            .ToArray();
        var items = Enumerable.Range(0, count).ToArray();
        var original = keys.Zip(items, (k, i) => (Bits: BitConverter.DoubleToInt64Bits(k), Item: i)).ToHashSet();

        DoubleKeySort.Sort(keys, items, count);

        for (var k = 1; k < count; k++)
        {
            var order = keys[k - 1].CompareTo(keys[k]);
            Assert.True(order < 0 || (order == 0 && items[k - 1] < items[k]), $"{keys[k - 1]} (item {items[k - 1]}) before {keys[k]} (item {items[k]}) at {k}");
        }
        Assert.Equal(original, keys.Zip(items, (key, i) => (BitConverter.DoubleToInt64Bits(key), i)).ToHashSet());
    }

    [Fact]
    public void Keys_that_differ_only_in_their_low_bits_are_ordered_too()
    {
        // The radix passes look at the high 32 bits only; these keys all share them, in a shuffled order, with repeats.
        var random = new Random(5);
        var count = DoubleKeySort.RadixThreshold * 4;
        var keys = Enumerable.Range(0, count)
            .Select(_ => BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(0.75) + random.Next(count / 2)))
            .ToArray();
        var items = Enumerable.Range(0, count).ToArray();
        var expected = keys.Select((k, i) => (Key: k, Item: i)).OrderBy(e => e.Key).ThenBy(e => e.Item).ToArray();

        DoubleKeySort.Sort(keys, items, count);

        Assert.Equal(expected.Select(e => e.Key), keys);
        Assert.Equal(expected.Select(e => e.Item), items);
    }

    [Fact]
    public void Only_the_first_count_entries_are_sorted()
    {
        // Past the radix threshold, so the linear-time path is the one checked.
        const int total = 4000, sorted = 3000;
        var keys = Enumerable.Range(0, total).Select(i => (double)(total - i)).ToArray();
        var items = Enumerable.Range(0, total).ToArray();

        DoubleKeySort.Sort(keys, items, sorted);

        Assert.Equal(Enumerable.Range(0, sorted).Select(i => (double)(total - sorted + 1 + i)), keys.Take(sorted));
        Assert.Equal(Enumerable.Range(0, sorted).Select(i => sorted - 1 - i), items.Take(sorted));
        Assert.Equal(Enumerable.Range(sorted, total - sorted).Select(i => (double)(total - i)), keys.Skip(sorted));
    }
}
