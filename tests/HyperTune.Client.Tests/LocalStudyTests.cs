using HyperTune.Cluster.Studies;
using HyperTune.Core.Specs;
using HyperTune.Core.Studies;

namespace HyperTune.Client.Tests;

public sealed class LocalStudyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-client-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private LocalStudyOptions Options => new() { StoragePath = Path.Combine(_dir, "hypertune.db"), Slots = 2 };

    [Fact]
    public async Task An_in_process_objective_runs_the_whole_budget_and_the_optimizer_learns_from_it()
    {
        var study = StudyBuilder.Create("quadratic").Minimize("loss").Float("x", -5, 5).Int("n", 1, 4)
            .Optimizer("tpe", seed: 1).Budget(30, parallelism: 2);
        await using var local = await LocalStudy.StartAsync(study, Options);
        var seen = 0;
        var result = await local.OptimizeAsync(async (trial, ct) =>
        {
            Interlocked.Increment(ref seen);
            await Task.Yield();
            return Math.Pow(trial.Float("x") - 2, 2) + trial.Int("n");
        });
        Assert.Equal(StudyStatus.Finished, result.Status);
        Assert.Equal(30, seen);
        Assert.Equal(30, result.Trials.Count(t => t.State == TrialState.Complete));
        // Random sampling alone rarely gets within 0.3 of x = 2 with n = 1 in 30 draws of this space; TPE does.
        Assert.InRange(result.Best!.Value, 1.0, 1.3);
        Assert.Equal(1L, Convert.ToInt64(result.Best.Params["n"]));
    }

    [Fact]
    public async Task Ask_and_tell_drive_the_study_from_the_callers_loop()
    {
        var study = StudyBuilder.Create("asked").Maximize("score").Float("x", 0, 1).Optimizer("random", seed: 2).Budget(12);
        await using var local = await LocalStudy.StartAsync(study, Options);
        var told = new List<(int Number, double Value)>();
        while (await local.AskAsync() is { } asked)
        {
            var value = 1 - Math.Abs(asked.Trial.Float("x") - 0.3);
            await local.TellAsync(asked, value);
            told.Add((asked.Trial.Number, value));
        }
        var result = await local.GetResultAsync();
        Assert.Equal(12, told.Count);
        Assert.Equal(told.Select(t => t.Number).Order(), result.Trials.Select(t => t.Number).Order());
        Assert.Equal(told.Max(t => t.Value), result.Best!.Value);
    }

    [Fact]
    public async Task A_throwing_objective_fails_its_trial_with_the_message()
    {
        var study = StudyBuilder.Create("throws").Minimize().Float("x", 0, 1).Optimizer("random", seed: 3).Budget(4);
        await using var local = await LocalStudy.StartAsync(study, Options);
        var result = await local.OptimizeAsync((trial, _) =>
            trial.Number % 2 == 0 ? throw new InvalidDataException("bad batch") : Task.FromResult(trial.Float("x")));
        var failed = result.Trials.Where(t => t.State == TrialState.Failed).ToList();
        Assert.NotEmpty(failed);
        Assert.All(failed, t => Assert.Contains("bad batch", t.FailureReason));
        Assert.NotNull(result.Best);
    }

    [Fact]
    public async Task A_pruning_scheduler_stops_trials_through_should_stop()
    {
        var study = StudyBuilder.Create("pruned").Minimize().Float("x", 0, 1).Optimizer("random", seed: 4)
            .Scheduler("threshold", new { upper = 0.5 }).Budget(10, parallelism: 2);
        await using var local = await LocalStudy.StartAsync(study, Options);
        var stopped = 0;
        var result = await local.OptimizeAsync(async (trial, ct) =>
        {
            for (var step = 1; step <= 20; step++)
            {
                trial.Report(step, trial.Float("x"));
                try
                {
                    await Task.Delay(20, ct);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref stopped);
                    throw;
                }
            }
            return trial.Float("x");
        });
        var pruned = result.Trials.Where(t => t.State == TrialState.Pruned).ToList();
        Assert.NotEmpty(pruned);
        Assert.All(pruned, t => Assert.True(Convert.ToDouble(t.Params["x"]) > 0.5));
        Assert.All(result.Trials.Where(t => t.State == TrialState.Complete), t => Assert.True(t.Value <= 0.5));
        Assert.True(stopped > 0);
    }

    [Fact]
    public async Task A_bad_study_is_refused_naming_the_field()
    {
        Assert.Throws<ArgumentException>(() => StudyBuilder.Create("no spaces allowed"));
        var unknown = StudyBuilder.Create("bad").Minimize().Float("x", 0, 1).Optimizer("tpee");
        var e = await Assert.ThrowsAsync<SpecException>(() => LocalStudy.StartAsync(unknown, Options));
        Assert.Contains("optimizer", e.Message);
        var inverted = StudyBuilder.Create("bad2").Minimize().Float("x", 1, 0);
        Assert.Contains("space", (await Assert.ThrowsAsync<SpecException>(() => LocalStudy.StartAsync(inverted, Options))).Message);
    }
}
