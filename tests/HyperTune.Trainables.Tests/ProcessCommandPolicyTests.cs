using HyperTune.Trainables.Processes;

namespace HyperTune.Trainables.Tests;

public sealed class ProcessCommandPolicyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-policy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Script(string name)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, "#!/bin/sh\necho hi\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    [Fact]
    public void By_default_no_command_is_allowed_and_the_refusal_names_the_command_and_the_config_key()
    {
        var refusal = ProcessCommandPolicy.None.Refusal("/bin/sh");

        Assert.NotNull(refusal);
        Assert.Contains("'/bin/sh'", refusal);
        Assert.Contains(ProcessCommandPolicy.ConfigKey, refusal);
        Assert.Contains("allowed now: none", refusal);
    }

    [Fact]
    public void A_listed_command_is_allowed_and_others_are_not()
    {
        var train = Script("train.sh");
        var other = Script("other.sh");
        var policy = new ProcessCommandPolicy(new[] { train });

        Assert.Null(policy.Refusal(train));
        var refusal = policy.Refusal(other);
        Assert.NotNull(refusal);
        Assert.Contains($"allowed now: {train}", refusal);
    }

    [Fact]
    public void Links_are_followed_on_both_sides_so_another_name_of_a_listed_program_is_allowed_but_a_lookalike_is_not()
    {
        var train = Script("train.sh");
        var link = Path.Combine(_dir, "link.sh");
        File.CreateSymbolicLink(link, train);
        var dotted = Path.Combine(_dir, "sub", "..", "train.sh");
        Directory.CreateDirectory(Path.Combine(_dir, "sub"));

        Assert.Null(new ProcessCommandPolicy(new[] { train }).Refusal(link));
        Assert.Null(new ProcessCommandPolicy(new[] { link }).Refusal(train));
        Assert.Null(new ProcessCommandPolicy(new[] { train }).Refusal(dotted));
        // Same file name elsewhere: a different program.
        Directory.CreateDirectory(Path.Combine(_dir, "elsewhere"));
        var lookalike = Path.Combine(_dir, "elsewhere", "train.sh");
        File.Copy(train, lookalike);
        Assert.NotNull(new ProcessCommandPolicy(new[] { train }).Refusal(lookalike));
    }

    [Fact]
    public void A_bare_name_is_looked_up_on_path_on_both_sides()
    {
        var sh = ProcessCommandPolicy.Resolve("sh");
        Assert.NotNull(sh);

        Assert.Null(new ProcessCommandPolicy(new[] { "sh" }).Refusal(sh!));
        Assert.Null(new ProcessCommandPolicy(new[] { sh! }).Refusal("sh"));
    }

    [Fact]
    public void A_command_that_is_nowhere_is_refused_as_not_found()
    {
        var refusal = new ProcessCommandPolicy(new[] { "/bin/sh" }).Refusal("no-such-program-hypertune");

        Assert.NotNull(refusal);
        Assert.Contains("was not found on this node", refusal);
    }

    [Fact]
    public void A_relative_entry_with_a_directory_is_refused_because_it_would_depend_on_the_directory()
    {
        var e = Assert.Throws<ArgumentException>(() => new ProcessCommandPolicy(new[] { "bin/train.sh" }));
        Assert.Contains("'bin/train.sh' must be an absolute path or a bare program name", e.Message);
    }
}
