using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json.Nodes;
using HyperTune.Core.Schedulers.Population;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;
using HyperTune.Trainables.Functions;
using Xunit.Abstractions;
using static HyperTune.Integration.Tests.StudyDocument;

namespace HyperTune.Integration.Tests;

/// <summary>
/// Population-based training on the three-node cluster without a shared directory (each node its own checkpoint
/// root, checkpoint copies in PostgreSQL): kill -9 of a worker node in the middle loses no member, duplicates no
/// step, and no exploit misses its checkpoint.
/// </summary>
[Trait("Category", "Integration")]
public sealed class PopulationFailureTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);

    private const int Members = 8;
    private const int Steps = 160;

    // 40 intervals of 4 steps; 50 ms a step, so a member trains 8 s in all and the kill lands mid-run.
    private static readonly string Spec = $$"""
        {
          "name": "population",
          "objective": { "metric": "q", "direction": "maximize" },
          "trainable": { "type": "function", "function": "pbt-toy", "steps": {{Steps}}, "simulatedTrainingTime": "8s" },
          "space": [ { "name": "h0", "type": "float", "low": 0, "high": 1 }, { "name": "h1", "type": "float", "low": 0, "high": 1 } ],
          "optimizer": { "type": "random", "seed": 5 },
          "scheduler": { "type": "pbt", "perturbationInterval": 4 },
          "budget": { "maxTrials": {{Members}}, "parallelism": 6 }
        }
        """;

    [Fact]
    public async Task A_population_survives_kill_9_of_a_worker_node_with_checkpoints_kept_in_the_database()
    {
        await using var cluster = await ThreeNodeCluster.StartAsync(output, name =>
            "hypertune.worker.checkpoint-store = database\n" +
            $"hypertune.worker.checkpoint-root = \"checkpoints-{name}\"\n");
        var clock = Stopwatch.StartNew();
        var studyId = await cluster.Http.SubmitAsync(cluster["a"].Http, Spec);
        var c = cluster.Options["c"].Port;
        var before = await cluster.WaitForStudyAsync(studyId,
            d => (long)d["steps"]! >= Members * Steps / 4 && RunningOn(d, c).Length > 0, Long,
            "a quarter of the steps trained and members running on c");
        var lost = RunningOn(before, c);
        cluster["c"].Kill();
        var killedAt = clock.Elapsed;
        cluster.Log($"killed c at {(long)before["steps"]!} steps; its members {string.Join(",", lost)}");

        var final = await cluster.WaitForStudyAsync(studyId, Finished, Long, "the population to finish");
        cluster.Log($"finished {clock.Elapsed.TotalSeconds:0.0} s after submission, {(clock.Elapsed - killedAt).TotalSeconds:0.0} s " +
                    $"after the kill; {(long)final["steps"]!} steps");

        var trials = Trials(final).Select(t => t!).ToList();
        Assert.Equal(Members, trials.Count);
        Assert.Equal((Members, 0), (Complete(final), (int)final["trials"]!["failed"]!));
        Assert.All(trials, t =>
        {
            Assert.Equal(("complete", (long)Steps), ((string)t["state"]!, (long)t["lastStep"]!));
            // An exploit that missed its donor's checkpoint would have failed the run.
            Assert.Null(t["failedAttempts"]);
        });
        Assert.All(lost, n => Assert.Equal("complete", (string?)trials.Single(t => (int)t["number"]! == n)["state"]));
        var records = trials.Select(Record).OrderBy(r => r.Number).ToList();
        Assert.Contains(records, r => r.Lineage.Any(e => e.Donor != r.Number));

        // Every member's final model is what its lineage says: retrained from scratch with its schedule (through the
        // donors it copied, on whichever node), the toy gives exactly its final value. A member resumed from a
        // wrong checkpoint after the kill, or an exploit that copied the wrong one, would differ.
        foreach (var member in records)
        {
            double[] theta = [.. PbtToyProblem.InitialTheta];
            var schedule = PopulationSchedule.Of(records, member.Number, Steps);
            for (long step = 1; step <= Steps; step++)
            {
                var h = schedule.Last(s => s.AfterStep < step).Params;
                theta = PbtToyProblem.Step(theta, h.GetDouble("h0"), h.GetDouble("h1"));
            }
            Assert.Equal(PbtToyProblem.Objective(theta), member.Value!.Value, 12);
        }

        // The study has finished: its coordinator deletes the copies kept for exploits from the database.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        long kept;
        while ((kept = Convert.ToInt64((await cluster.Db.QueryAsync(
                   $"SELECT COUNT(*) FROM hypertune_checkpoints WHERE study_id = '{studyId}'"))[0][0])) > 0
               && DateTime.UtcNow < deadline)
            await Task.Delay(200);
        Assert.Equal(0, kept);
        cluster.Passed();
    }

    private static Configuration Params(JsonNode node) => Configuration.From(
        node.AsObject().Select(p => new KeyValuePair<string, object>(p.Key, p.Value!.GetValue<double>())));

    private static TrialRecord Record(JsonNode t) =>
        new((int)t["number"]!, TrialState.Complete, Params(t["params"]!))
        {
            Value = (double)t["value"]!,
            Lineage = (t["lineage"]?.AsArray() ?? []).Select(e => new LineageEntry((long)e!["step"]!, (int)e["donor"]!,
                Params(e["before"]!), Params(e["after"]!))).ToImmutableList(),
        };
}
