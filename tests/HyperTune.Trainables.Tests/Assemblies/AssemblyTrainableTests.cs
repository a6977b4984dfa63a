using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Trainables.Assemblies;

namespace HyperTune.Trainables.Tests.Assemblies;

public class AssemblyTrainableTests
{
    // tests/HyperTune.Trainables.Tests/bin/CONFIG/TFM/ -> tests/HyperTune.Trainables.UserAssembly/bin/CONFIG/TFM/
    private static string UserAssembly()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tests = here.Parent!.Parent!.Parent!.Parent!.FullName;
        return Path.Combine(tests, "HyperTune.Trainables.UserAssembly", "bin", here.Parent.Name, here.Name,
            "HyperTune.Trainables.UserAssembly.dll");
    }

    private static TrainableSpec Spec(string path, string className, string settings = """{"shift": 2}""") =>
        TrainableSpec.FromJson($$"""{"type": "assembly", "path": {{System.Text.Json.JsonSerializer.Serialize(path)}}, "class": "{{className}}", "settings": {{settings}}}""");

    [Fact]
    public async Task A_users_class_is_loaded_and_run_with_its_settings()
    {
        var trainable = TrainableFactory.Load(Spec(UserAssembly(), "UserCode.ShiftedSquare"));
        var reports = new List<TrialReport>();
        var outcome = await trainable.RunAsync(new TrialContext
        {
            StudyId = "s", TrialNumber = 0, Metric = "loss", Report = reports.Add,
            Params = Configuration.From(new Dictionary<string, object> { ["x"] = 5.0 }),
        }, CancellationToken.None);
        Assert.Equal(9.0, outcome.Metrics["loss"]);
        Assert.Equal(new long[] { 1, 2, 3 }, reports.Select(r => r.Step));
        // The interface it implements is the host's own: loaded once, shared.
        Assert.IsAssignableFrom<ITrainable>(trainable);
    }

    [Fact]
    public void Validation_never_loads_the_assembly()
    {
        // A path with no file behind it: Create (what the coordinator and the API call) only checks the fields.
        var reference = Assert.IsType<AssemblyTrainableReference>(
            TrainableFactory.Create(Spec("/nowhere/User.dll", "UserCode.ShiftedSquare"), space: null));
        Assert.Equal("/nowhere/User.dll", reference.Path);
        Assert.Contains("relative", Assert.Throws<SpecException>(() =>
            TrainableFactory.Create(Spec("User.dll", "UserCode.ShiftedSquare"), space: null)).Message);
    }

    [Fact]
    public void A_missing_assembly_class_or_interface_is_named()
    {
        Assert.Contains("no assembly at", Assert.Throws<SpecException>(() =>
            TrainableFactory.Load(Spec("/nowhere/User.dll", "UserCode.ShiftedSquare"))).Message);
        var missing = Assert.Throws<SpecException>(() => TrainableFactory.Load(Spec(UserAssembly(), "UserCode.ShiftedSqaure")));
        Assert.Contains("no class 'UserCode.ShiftedSqaure'", missing.Message);
        Assert.Contains("UserCode.ShiftedSquare", missing.Message);
        Assert.Contains("does not implement", Assert.Throws<SpecException>(() =>
            TrainableFactory.Load(Spec(UserAssembly(), "UserCode.NotATrainable"))).Message);
        Assert.Contains("settings.shift is required", Assert.Throws<SpecException>(() =>
            TrainableFactory.Load(Spec(UserAssembly(), "UserCode.ShiftedSquare", "{}"))).Message);
    }

    [Fact]
    public void Only_listed_assemblies_may_be_loaded()
    {
        var policy = new AssemblyPolicy([UserAssembly()]);
        Assert.Null(policy.Refusal(UserAssembly()));
        var refusal = AssemblyPolicy.None.Refusal(UserAssembly());
        Assert.Contains(AssemblyPolicy.ConfigKey, refusal);
        Assert.NotNull(policy.Refusal("/tmp/other.dll"));
    }
}
