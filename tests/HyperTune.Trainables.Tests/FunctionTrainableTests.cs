using HyperTune.Core.Spaces;
using HyperTune.Core.Specs;
using HyperTune.Trainables.Functions;

namespace HyperTune.Trainables.Tests;

public class FunctionTrainableTests
{
    private static readonly SearchSpace Branin = BenchmarkFunctions.All["branin"].Space();

    private static JsonSettings Settings(string json) => JsonSettings.Parse(json, "trainable");

    [Fact]
    public async Task Steps_report_a_learning_curve_that_ends_at_the_true_value()
    {
        var trainable = new FunctionTrainable(Settings("""{"function":"branin","steps":4}"""), Branin);
        var reports = new List<TrialReport>();
        var config = Configuration.From(new Dictionary<string, object> { ["x"] = Math.PI, ["y"] = 2.275 });
        var outcome = await trainable.RunAsync(new TrialContext { StudyId = "s", TrialNumber = 0, Params = config, Metric = "loss", Report = reports.Add }, default);
        Assert.Equal(new long[] { 1, 2, 3, 4 }, reports.Select(r => r.Step));
        var values = reports.Select(r => r.Metrics["loss"]).ToArray();
        Assert.True(values.Zip(values.Skip(1)).All(p => p.First > p.Second), "the curve decreases");
        Assert.Equal(0.397887, outcome.Judge("loss").Value!.Value, 5);
    }

    [Fact]
    public async Task Simulated_training_time_is_spent_and_cancellation_stops_it()
    {
        var trainable = new FunctionTrainable(Settings("""{"function":"branin","simulatedTrainingTime":"30s"}"""), Branin);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var config = Configuration.From(new Dictionary<string, object> { ["x"] = 0.0, ["y"] = 0.0 });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            trainable.RunAsync(new TrialContext { StudyId = "s", TrialNumber = 0, Params = config, Metric = "value" }, cts.Token));
    }

    [Theory]
    [InlineData("""{"function":"branim"}""", "unknown function 'branim'")]
    [InlineData("""{"function":"hartmann6"}""", "needs parameter(s) x0, x1, x2, x3, x4, x5")]
    [InlineData("""{"function":"branin","steps":0}""", "trainable.steps: must be at least 1")]
    [InlineData("""{"function":"branin","speed":3}""", "trainable.speed: unknown field")]
    public void Bad_settings_name_the_problem(string json, string expected) =>
        Assert.Contains(expected, Assert.Throws<SpecException>(() => new FunctionTrainable(Settings(json), Branin)).Message);
    [Fact]
    public async Task Without_a_space_the_parameters_are_not_checked_but_the_function_still_evaluates()
    {
        // A worker: the spec was validated whole where it was submitted; trial messages carry no search space.
        var trainable = new FunctionTrainable(Settings("""{"function":"hartmann6"}"""), space: null);
        var config = Configuration.From(new Dictionary<string, object> { ["x"] = Math.PI, ["y"] = 2.275 });
        var branin = new FunctionTrainable(Settings("""{"function":"branin"}"""), space: null);
        var outcome = await branin.RunAsync(new TrialContext { StudyId = "s", TrialNumber = 0, Params = config, Metric = "loss" }, default);
        Assert.Equal(0.397887, outcome.Judge("loss").Value!.Value, 5);
        Assert.NotNull(trainable);
        // Settings are still validated.
        Assert.Contains("unknown function 'branim'", Assert.Throws<SpecException>(() => new FunctionTrainable(Settings("""{"function":"branim"}"""), null)).Message);
    }
}
