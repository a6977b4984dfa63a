using HyperTune.Client;

// Usage: HyperTune.Client.Harness STORAGE_PATH TRIALS TRIAL_MS
// Runs a 2-D quadratic with TPE on SQLite at STORAGE_PATH; prints "trial N" as each trial starts and, at the end,
// "done COMPLETE BEST_VALUE".
var storage = args[0];
var trials = int.Parse(args[1]);
var trialMs = int.Parse(args[2]);
var study = StudyBuilder.Create("harness-quadratic").Minimize()
    .Float("x", -5, 5).Float("y", -5, 5)
    .Optimizer("tpe", seed: 3).Budget(trials, parallelism: 2);
await using var local = await LocalStudy.StartAsync(study, new LocalStudyOptions { StoragePath = storage, Slots = 2 });
var result = await local.OptimizeAsync(async (trial, ct) =>
{
    Console.WriteLine($"trial {trial.Number}");
    await Task.Delay(trialMs, ct);
    return Math.Pow(trial.Float("x") - 1, 2) + Math.Pow(trial.Float("y") + 2, 2);
});
Console.WriteLine($"done {result.Trials.Count(t => t.State == HyperTune.Core.Studies.TrialState.Complete)} {result.Best!.Value}");
