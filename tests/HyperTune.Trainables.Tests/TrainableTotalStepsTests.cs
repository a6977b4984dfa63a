using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Trainables.Functions;
using HyperTune.Trainables.Processes;

namespace HyperTune.Trainables.Tests;

/// <summary>
/// <see cref="ITrainable.TotalSteps"/>: what each trainable says about the length of a full run, which the
/// coordinator uses to leave a trial's last report unjudged and the halving schedulers take as maxResource.
/// </summary>
public sealed class TrainableTotalStepsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-steps-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly SearchSpace Branin = BenchmarkFunctions.All["branin"].Space();

    private static ITrainable Function(string json, SearchSpace? space = null) =>
        new FunctionTrainable(JsonSettings.Parse(json, "trainable"), space);

    private static ITrainable Process(string json) => new ProcessTrainable(JsonSettings.Parse(json, "trainable"));

    [Theory]
    [InlineData("""{"function":"branin","steps":4}""", 4L)]
    [InlineData("""{"function":"lc-crossing"}""", 27L)]
    [InlineData("""{"function":"mf-branin","steps":9}""", 9L)]
    [InlineData("""{"function":"branin"}""", null)]
    public void A_function_knows_its_steps_a_one_step_function_has_none(string json, long? expected) =>
        Assert.Equal(expected, Function(json).TotalSteps);

    [Fact]
    public void Every_fidelity_problem_gives_its_own_length()
    {
        foreach (var problem in FidelityProblems.All)
            Assert.Equal(problem.Steps, Function($$"""{"function":"{{problem.Name}}"}""").TotalSteps);
    }

    [Fact]
    public void A_process_declares_its_steps_or_leaves_them_unknown()
    {
        Assert.Equal(27L, Process("""{"command":"python3","steps":27}""").TotalSteps);
        Assert.Null(Process("""{"command":"python3"}""").TotalSteps);
        var zero = Assert.Throws<SpecException>(() => Process("""{"command":"python3","steps":0}"""));
        Assert.Equal("trainable.steps", zero.Path);
        var text = Assert.Throws<SpecException>(() => Process("""{"command":"python3","steps":"27"}"""));
        Assert.Equal("trainable.steps", text.Path);
    }

    private TrialContext Context(List<TrialReport> reports, long? stop) => new()
    {
        StudyId = "s", TrialNumber = 0, Params = Configuration.From(new Dictionary<string, object> { ["x"] = 0.5 }),
        Metric = "loss", CheckpointDirectory = Path.Combine(_dir, "ckpt"), Report = reports.Add, StopAtStep = stop,
    };

    // Reports steps 1..3 (or up to HYPERTUNE_STOP_AT_STEP) and exits 0.
    private const string ThreeSteps = """
        stop=${HYPERTUNE_STOP_AT_STEP:-3}
        i=1
        while [ $i -le 3 ] && [ $i -le $stop ]; do echo "hypertune-report step=$i loss=$i"; i=$((i+1)); done
        """;

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task A_process_stopped_at_its_declared_last_step_completes_rather_than_pausing(bool declared,
        bool paused)
    {
        var script = Path.Combine(_dir, "three.sh");
        await File.WriteAllTextAsync(script, ThreeSteps);
        var steps = declared ? ",\"steps\":3" : "";
        var trainable = Process($$"""
            {"command":"/bin/sh","args":[{{System.Text.Json.JsonSerializer.Serialize(script)}}],
             "passArguments":false,"checkpoints":true{{steps}}}
            """);
        var reports = new List<TrialReport>();
        var outcome = await trainable.RunAsync(Context(reports, stop: 3), default);
        Assert.Equal(new long[] { 1, 2, 3 }, reports.Select(r => r.Step));
        // Without the declaration the trainable cannot tell its stop step is its end: it pauses there.
        Assert.Equal(paused, outcome.PausedAtStep is not null);
        if (!paused) Assert.Equal(3.0, outcome.Judge("loss").Value!.Value);
    }
}
