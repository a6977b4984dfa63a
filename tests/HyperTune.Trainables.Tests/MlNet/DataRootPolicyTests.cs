using HyperTune.Trainables.MlNet;
using static HyperTune.Trainables.Tests.MlNet.MlData;

namespace HyperTune.Trainables.Tests.MlNet;

public sealed class DataRootPolicyTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("hypertune-roots-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static MlNetTrainable Reading(string train) =>
        Trainable($$"""{ "task": "binary", "learner": "lightgbm", "data": { "train": {{Quote(train)}} } }""");

    [Fact]
    public void Files_under_an_allowed_folder_are_read_and_others_refused()
    {
        var allowed = Path.Combine(_root, "data");
        Directory.CreateDirectory(allowed);
        System.IO.File.WriteAllText(Path.Combine(allowed, "t.csv"), "x,label\n1,0\n");
        var policy = new DataRootPolicy([allowed]);
        Assert.Null(policy.Refusal(Reading(Path.Combine(allowed, "t.csv"))));
        var outside = policy.Refusal(Reading("/etc/passwd"));
        Assert.NotNull(outside);
        Assert.Contains(DataRootPolicy.ConfigKey, outside);
        Assert.Contains(allowed, outside);
        // ".." out of the folder is outside, though the text starts with the folder.
        Assert.NotNull(policy.Refusal(Reading(Path.Combine(allowed, "..", "t.csv"))));
        // A sibling whose name starts like the folder is not inside it.
        Assert.NotNull(policy.Refusal(Reading(allowed + "-other/t.csv")));
        Assert.NotNull(DataRootPolicy.None.Refusal(Reading(Path.Combine(allowed, "t.csv"))));
    }

    [Fact]
    public void A_link_inside_an_allowed_folder_that_points_outside_is_refused()
    {
        var allowed = Path.Combine(_root, "data");
        Directory.CreateDirectory(allowed);
        System.IO.File.CreateSymbolicLink(Path.Combine(allowed, "passwd.csv"), "/etc/passwd");
        var refusal = new DataRootPolicy([allowed]).Refusal(Reading(Path.Combine(allowed, "passwd.csv")));
        Assert.NotNull(refusal);
        Assert.Contains("resolved to /etc/passwd", refusal);
    }

    [Fact]
    public void Relative_folders_in_the_config_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new DataRootPolicy(["data"]));
    }
}
