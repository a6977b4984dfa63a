using HyperTune.Core.Specs;
using HyperTune.Core.Validation;

namespace HyperTune.Core.Tests.Validation;

public class FoldSplitterTests
{
    // 3 classes of 50, 31 and 7 rows, interleaved.
    private static readonly int[] Classes = Enumerable.Range(0, 88).Select(i => i < 50 ? 0 : i < 81 ? 1 : 2)
        .OrderBy(i => i * 7919 % 88).ToArray();

    [Fact]
    public void Folds_partition_the_rows_in_sizes_that_differ_by_at_most_one()
    {
        var fold = FoldSplitter.Assign(103, 5, seed: 1);
        var sizes = Enumerable.Range(0, 5).Select(k => fold.Count(f => f == k)).ToArray();
        Assert.Equal(103, sizes.Sum());
        Assert.True(sizes.Max() - sizes.Min() <= 1, string.Join(",", sizes));
    }

    [Fact]
    public void Stratified_folds_keep_each_class_share()
    {
        var fold = FoldSplitter.Assign(Classes.Length, 5, seed: 3, strata: Classes);
        foreach (var c in Classes.Distinct())
        {
            var perFold = Enumerable.Range(0, 5).Select(k => Enumerable.Range(0, Classes.Length)
                .Count(r => fold[r] == k && Classes[r] == c)).ToArray();
            Assert.True(perFold.Max() - perFold.Min() <= 1, $"class {c}: {string.Join(",", perFold)}");
        }
    }

    [Fact]
    public void The_split_depends_only_on_the_seed()
    {
        Assert.Equal(FoldSplitter.Assign(60, 4, 7, Classes[..60]), FoldSplitter.Assign(60, 4, 7, Classes[..60]));
        Assert.NotEqual(FoldSplitter.Assign(60, 4, 7, Classes[..60]), FoldSplitter.Assign(60, 4, 8, Classes[..60]));
    }

    [Fact]
    public void Holdout_takes_the_fraction_of_each_class()
    {
        var held = FoldSplitter.Holdout(Classes.Length, 0.2, seed: 5, strata: Classes);
        Assert.Equal((int)Math.Round(0.2 * Classes.Length), held.Count(h => h));
        // 50 * 0.2 = 10 of class 0, 31 * 0.2 = 6.2 of class 1, 7 * 0.2 = 1.4 of class 2: each within a row.
        Assert.InRange(Enumerable.Range(0, Classes.Length).Count(r => held[r] && Classes[r] == 0), 9, 11);
        Assert.InRange(Enumerable.Range(0, Classes.Length).Count(r => held[r] && Classes[r] == 2), 1, 2);
    }

    [Fact]
    public void Validation_spec_reads_folds_or_a_holdout_not_both()
    {
        Assert.Equal(new ValidationSpec(3, null, false, 4),
            ValidationSpec.Read(JsonSettings.Parse("""{"folds": 3, "stratified": false, "seed": 4}""", "validation")));
        Assert.Equal(1, ValidationSpec.Read(JsonSettings.Parse("""{"holdoutFraction": 0.25}""", "validation")).Units);
        Assert.Equal(ValidationSpec.Default, ValidationSpec.Read(null));
        var both = Assert.Throws<SpecException>(() =>
            ValidationSpec.Read(JsonSettings.Parse("""{"folds": 3, "holdoutFraction": 0.2}""", "validation")));
        Assert.Contains("not both", both.Message);
        Assert.Throws<SpecException>(() => ValidationSpec.Read(JsonSettings.Parse("""{"folds": 1}""", "validation")));
    }
}
