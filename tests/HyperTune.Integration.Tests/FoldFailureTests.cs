using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using HyperTune.LocalCluster;
using Xunit.Abstractions;
using static HyperTune.Integration.Tests.StudyDocument;

namespace HyperTune.Integration.Tests;

/// <summary>
/// Cross-validation spread over the three-node cluster: each trial's five folds run as parts on any node's slots
/// (LightGBM on the bundled breast-cancer data). The worker-only node is killed (kill -9) while it trains folds. The
/// journal is checked: only the folds it was training ran again, on another node; folds finished anywhere were never
/// run again; every fold of every trial completed exactly once, and each trial's value is the mean of its folds'. The
/// finished study's best trial is then refitted by a worker of a node still up, once, and scored on the test set.
/// </summary>
[Trait("Category", "Integration")]
public sealed class FoldFailureTests(ITestOutputHelper output)
{
    private const int Trials = 24;
    private const int Folds = 5;
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task A_worker_node_killed_while_it_trains_folds_only_its_folds_run_again()
    {
        var clock = Stopwatch.StartNew();
        var data = Path.Combine(RepositoryRoot.Path, "config", "studies", "data");
        await using var cluster = await ThreeNodeCluster.StartAsync(output,
            _ => $"hypertune.trainables.mlnet.data-roots = [{JsonSerializer.Serialize(data)}]");
        var studyId = await cluster.Http.SubmitAsync(cluster["a"].Http, Spec(data));
        var port = cluster.Options["c"].Port;

        // c trains folds of a trial whose other folds already finished elsewhere or still run elsewhere.
        var deadline = DateTime.UtcNow + Long;
        StudyJournal journal;
        List<(int Number, int Part)> runningOnC;
        while (true)
        {
            journal = await StudyJournal.ReadAsync(cluster.Db, studyId);
            runningOnC = RunningParts(journal).Where(p => p.Node.Contains($":{port}#", StringComparison.Ordinal))
                .Select(p => (p.Number, p.Part)).ToList();
            if (journal.Events.Count(e => e.Kind == "trial-part-completed") >= 10 && runningOnC.Count > 0) break;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("c never trained folds after 10 were done");
            await Task.Delay(100);
        }
        cluster["c"].Kill();
        var completedBefore = Completed(journal).Select(c => (c.Number, c.Part)).ToHashSet();
        var lost = string.Join(", ", runningOnC.Select(p => $"#{p.Number}/{p.Part + 1}"));
        cluster.Log($"killed c while it trained {lost}; {completedBefore.Count} folds done");

        var final = await cluster.WaitForStudyAsync(studyId, Finished, Long, "the study to finish");
        journal = await StudyJournal.ReadAsync(cluster.Db, studyId);
        cluster.Log($"finished ({(string?)final["reason"]}) after {clock.Elapsed.TotalSeconds:0}s; " +
                    $"{journal.Events.Count} events");
        Assert.Equal((Trials, 0), ((int)final["trials"]!["complete"]!, (int)final["trials"]!["failed"]!));

        var dispatches = journal.Events.Where(e => e.Kind == "trial-part-dispatched")
            .Select(e => ((int)e.Body["number"]!, (int)e.Body["part"]!, (string)e.Body["node"]!)).ToList();
        var requeued = journal.Events.Where(e => e.Kind == "trial-part-requeued")
            .Select(e => ((int)e.Body["number"]!, (int)e.Body["part"]!)).ToList();
        var completed = Completed(journal);
        // Each part trained one fold on its worker: its metrics are that fold's, not a whole cross-validation's.
        Assert.All(journal.Events.Where(e => e.Kind == "trial-part-completed"),
            e => Assert.Null(e.Body["metrics"]!["accuracy_std"]));
        // Every fold completed exactly once, and ran as often as it was requeued plus once.
        Assert.Equal(Trials * Folds, completed.Count);
        Assert.Equal(Trials * Folds, completed.Select(c => (c.Number, c.Part)).Distinct().Count());
        foreach (var (number, part) in completed.Select(c => (c.Number, c.Part)))
            Assert.Equal(1 + requeued.Count(r => r == (number, part)),
                dispatches.Count(d => (d.Item1, d.Item2) == (number, part)));
        // The requeued folds are c's, each dispatched again to a node still up; none had finished. (A fold seen
        // running on c may still have delivered its result between the poll and the kill: then it is not requeued.)
        Assert.NotEmpty(requeued);
        Assert.All(runningOnC, p => Assert.True(requeued.Contains(p) || completed.Any(c => (c.Number, c.Part) == p)));
        foreach (var (number, part) in requeued)
        {
            Assert.DoesNotContain((number, part), completedBefore);
            var runs = dispatches.Where(d => (d.Item1, d.Item2) == (number, part)).Select(d => d.Item3).ToList();
            Assert.Contains($":{port}#", runs[0]);
            Assert.DoesNotContain($":{port}#", runs[^1]);
        }
        // Each trial's value is the mean of its folds', which are its per-fold metrics.
        foreach (var trial in Trials(final))
        {
            var number = (int)trial!["number"]!;
            var folds = completed.Where(c => c.Number == number).OrderBy(c => c.Part).Select(c => c.Accuracy).ToList();
            Assert.Equal(folds.Average(), (double)trial["value"]!, 12);
            for (var f = 0; f < Folds; f++)
                Assert.Equal(folds[f], (double)trial["metrics"]![$"accuracy_fold{f + 1}"]!, 12);
        }
        cluster.Log($"requeued folds: {string.Join(", ", requeued.Select(r => $"#{r.Item1}/{r.Item2 + 1}"))}");

        // The cluster refits the best trial by itself, on a node still up, and records it once.
        var refitted = await cluster.WaitForStudyAsync(studyId,
            d => (string?)d["refit"]?["status"] is "complete" or "failed", Long, "the refit");
        var refit = refitted["refit"]!;
        cluster.Log($"refit: {refit.ToJsonString()}");
        Assert.Equal(("complete", (int)final["best"]!["number"]!), ((string)refit["status"]!, (int)refit["trial"]!));
        Assert.DoesNotContain($":{port}#", (string)refit["node"]!);
        Assert.Equal((426, 143), ((int)refit["trainRows"]!, (int)refit["testRows"]!));
        Assert.InRange((double)refit["test"]!["accuracy"]!, 0.85, 1.0);
        Assert.True(File.Exists((string)refit["modelPath"]!), (string)refit["modelPath"]!);
        journal = await StudyJournal.ReadAsync(cluster.Db, studyId);
        Assert.Single(journal.Events, e => e.Kind == "refit-requested");
        Assert.Single(journal.Events, e => e.Kind == "refit-completed");
        cluster.Log($"passed after {clock.Elapsed.TotalSeconds:0}s");
        cluster.Passed();
    }

    private static string Spec(string data)
    {
        var train = JsonSerializer.Serialize(Path.Combine(data, "breast_cancer_train.csv"));
        var test = JsonSerializer.Serialize(Path.Combine(data, "breast_cancer_test.csv"));
        return $$"""
        {
          "name": "folds-survive",
          "objective": { "metric": "accuracy", "direction": "maximize" },
          "trainable": { "type": "mlnet", "task": "binary", "learner": "lightgbm",
                         "data": { "train": {{train}}, "test": {{test}} },
                         "validation": { "folds": {{Folds}}, "seed": 0 } },
          "space": [
            { "name": "learningRate", "type": "float", "low": 0.01, "high": 0.3, "log": true },
            { "name": "numberOfIterations", "type": "int", "low": 200, "high": 600 }
          ],
          "optimizer": { "type": "random", "seed": 1 },
          "budget": { "maxTrials": {{Trials}}, "parallelism": 6 }
        }
        """;
    }

    /// <summary>Parts dispatched and neither completed nor requeued since, with their node.</summary>
    private static List<(int Number, int Part, string Node)> RunningParts(StudyJournal journal)
    {
        var running = new Dictionary<(int, int), string>();
        foreach (var (_, kind, body) in journal.Events)
        {
            if (!kind.StartsWith("trial-", StringComparison.Ordinal) || body["number"] is null) continue;
            var number = (int)body["number"]!;
            switch (kind)
            {
                case "trial-part-dispatched":
                    running[(number, (int)body["part"]!)] = (string)body["node"]!;
                    break;
                case "trial-part-completed" or "trial-part-requeued":
                    running.Remove((number, (int)body["part"]!));
                    break;
                case "trial-completed" or "trial-failed" or "trial-pruned" or "trial-cancelled":
                    foreach (var key in running.Keys.Where(k => k.Item1 == number).ToList()) running.Remove(key);
                    break;
            }
        }
        return running.Select(p => (p.Key.Item1, p.Key.Item2, p.Value)).ToList();
    }

    private static List<(int Number, int Part, double Accuracy)> Completed(StudyJournal journal) =>
        journal.Events.Where(e => e.Kind == "trial-part-completed")
            .Select(e => ((int)e.Body["number"]!, (int)e.Body["part"]!, (double)e.Body["metrics"]!["accuracy"]!))
            .ToList();
}
