using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Trainables.Functions;

namespace HyperTune.Trainables.Tests;

/// <summary>The toy problem of the PBT paper as a trainable with a real checkpoint.</summary>
public sealed class PbtToyTrainableTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-pbt-toy-").FullName;

    private static readonly SearchSpace Space = new(new FloatParameter("h0", 0, 1), new FloatParameter("h1", 0, 1));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ITrainable Create(string json = """{"type": "function", "function": "pbt-toy", "steps": 10}""") =>
        TrainableFactory.Create(new TrainableSpec("function", System.Text.Json.JsonDocument.Parse(json).RootElement.Clone()), Space);

    private TrialContext Context(string dir, double h0, double h1, long resume, long? stop, List<TrialReport> reports) => new()
    {
        StudyId = "s", TrialNumber = 0, Metric = "q", ResumeStep = resume, StopAtStep = stop, Report = reports.Add,
        CheckpointDirectory = Path.Combine(_dir, dir),
        Params = Configuration.From(new Dictionary<string, object> { ["h0"] = h0, ["h1"] = h1 }),
    };

    [Fact]
    public async Task A_run_paused_and_resumed_from_its_checkpoint_equals_the_run_straight_through()
    {
        var trainable = Create();
        Assert.IsType<PbtToyTrainable>(trainable);
        Assert.Equal(10L, trainable.TotalSteps);
        var straight = new List<TrialReport>();
        var whole = await trainable.RunAsync(Context("a", 0.7, 0.3, 0, null, straight), default);
        var pieces = new List<TrialReport>();
        var paused = await trainable.RunAsync(Context("b", 0.7, 0.3, 0, 4, pieces), default);
        Assert.Equal(4L, paused.PausedAtStep);
        var done = await trainable.RunAsync(Context("b", 0.7, 0.3, 4, null, pieces), default);
        Assert.Equal(straight.Select(r => r.Metrics["q"]), pieces.Select(r => r.Metrics["q"]));
        Assert.Equal(whole.Metrics["q"], done.Metrics["q"]);
        var theta = new[] { 0.9 * Math.Pow(1 - 0.014, 10), 0.9 * Math.Pow(1 - 0.006, 10) };
        Assert.Equal(PbtToyProblem.Objective(theta), whole.Metrics["q"], 12);
    }

    [Fact]
    public async Task A_resume_continues_from_the_state_in_the_directory_whoever_wrote_it()
    {
        var trainable = Create();
        // Member b trains 4 steps with h = (1, 1); member a then starts from b's checkpoint (as an exploit copies it).
        await trainable.RunAsync(Context("b", 1, 1, 0, 4, new List<TrialReport>()), default);
        Directory.CreateDirectory(Path.Combine(_dir, "a"));
        foreach (var file in Directory.GetFiles(Path.Combine(_dir, "b")))
            File.Copy(file, Path.Combine(_dir, "a", Path.GetFileName(file)));
        var reports = new List<TrialReport>();
        await trainable.RunAsync(Context("a", 0, 0, 4, 5, reports), default);
        // h = (0, 0) leaves θ where b's 4 steps put it.
        var theta = 0.9 * Math.Pow(0.98, 4);
        Assert.Equal(1.2 - 2 * theta * theta, Assert.Single(reports).Metrics["q"], 12);
    }

    [Fact]
    public async Task A_resume_without_a_checkpoint_fails_naming_the_step_and_a_space_without_h_is_refused()
    {
        var outcome = await Create().RunAsync(Context("none", 1, 1, 3, null, new List<TrialReport>()), default);
        Assert.Contains("no checkpoint for step 3", outcome.FailureReason);
        var e = Assert.Throws<SpecException>(() => TrainableFactory.Create(new TrainableSpec("function",
            System.Text.Json.JsonDocument.Parse("""{"type": "function", "function": "pbt-toy"}""").RootElement.Clone()),
            new SearchSpace(new FloatParameter("h0", 0, 1))));
        Assert.Contains("h1", e.Message);
    }
}
