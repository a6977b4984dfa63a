using HyperTune.LocalCluster;
using Xunit.Abstractions;
using static HyperTune.Integration.Tests.StudyDocument;

namespace HyperTune.Integration.Tests;

/// <summary>
/// Real processes and a real database on loopback: a three-node cluster on PostgreSQL keeps a study going through
/// kill -9 of a worker node and of the node hosting the study's coordinator, and through a restart of every node.
/// </summary>
[Trait("Category", "Integration")]
public sealed class NodeFailureTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task A_study_survives_kill_9_of_a_worker_node_and_of_its_coordinator_node()
    {
        // Enough work that the study is still running once c is back, even on a loaded machine where its restart
        // takes many seconds (450 trials ran out before it rejoined under full CPU load).
        const int trials = 600;
        await using var cluster = await ThreeNodeCluster.StartAsync(output);
        var studyId = await cluster.Http.SubmitAsync(cluster["a"].Http, Spec("survivor", trials, parallelism: 6, trainingTime: "200ms"));

        // Some results recorded, and trials running on the worker-only node c.
        var beforeFirstKill = await cluster.WaitForStudyAsync(studyId,
            d => Complete(d) >= 60 && RunningOn(d, cluster.Options["c"].Port).Length > 0, Long, "60 results and trials running on c");
        var lostOnC = RunningOn(beforeFirstKill, cluster.Options["c"].Port);
        cluster["c"].Kill();
        cluster.Log($"killed c at {Complete(beforeFirstKill)} complete; its trials {string.Join(",", lostOnC)}");

        // The lost trials run again elsewhere.
        await cluster.WaitForStudyAsync(studyId,
            d => Trials(d).Where(t => lostOnC.Contains((int)t!["number"]!)).All(t => (string?)t!["state"] == "complete" || (int)t["dispatch"]! > 1),
            Long, "c's trials dispatched again");
        cluster.Log("c's trials re-dispatched");

        // An operator restarts c; it rejoins as a new incarnation and gets trials again.
        cluster.Start("c");
        await cluster.WaitForAllUpAsync(Long);
        cluster.Log("c is Up again");
        var beforeSecondKill = await cluster.WaitForStudyAsync(studyId,
            d => Finished(d) || (Complete(d) >= Complete(beforeFirstKill) + 60 && RunningOn(d, cluster.Options["c"].Port).Length > 0), Long, "progress with c back");
        Assert.False(Finished(beforeSecondKill), "the study finished before c was back and running trials; it must still be running for the second kill");

        var coordinatorNode = cluster.NameOf((string)beforeSecondKill["coordinatorNode"]!);
        cluster[coordinatorNode].Kill();
        cluster.Log($"killed the coordinator's node {coordinatorNode} at {Complete(beforeSecondKill)} complete");

        var final = await cluster.WaitForStudyAsync(studyId, Finished, Long, "the study to finish");
        Assert.NotEqual(coordinatorNode, cluster.NameOf((string)final["coordinatorNode"]!));
        AssertIntact(final, trials, CompletedValues(beforeFirstKill), CompletedValues(beforeSecondKill));
        await ReadModelCheck.AssertMatchesAsync(cluster.Db, studyId, final);
        cluster.Passed();
    }

    [Fact]
    public async Task A_second_crash_after_the_resolver_s_leader_changed_leaves_both_survivors_up()
    {
        // The lease-majority resolver keeps its lease release-after past its decision, leader or not; held long here
        // so the sequence below always meets it. The run of 2026-12-07 that found this: every node exited. The lowest
        // address is a's, the first seed's, so its restart also checks that a restarted first seed joins the running
        // cluster instead of forming one of its own (which it did once under load with Akka's 5 s seed-node-timeout).
        const int trials = 400;
        await using var cluster = await ThreeNodeCluster.StartAsync(output,
            _ => "akka.cluster.split-brain-resolver.lease-majority.release-after = 180s");
        var byAddress = cluster.Options.OrderBy(o => o.Value.Port).Select(o => o.Key).ToArray();
        // Akka's leader is the reachable Up member with the lowest address (one host: the lowest port).
        var (lowest, nextLeader, other) = (byAddress[0], byAddress[1], byAddress[2]);
        var studyId = await cluster.Http.SubmitAsync(cluster["a"].Http, Spec("two-crashes", trials, parallelism: 6, trainingTime: "200ms"));
        await cluster.WaitForStudyAsync(studyId, d => Complete(d) >= 20, Long, "20 results");

        cluster[lowest].Kill();
        cluster.Log($"killed {lowest}, the leader; {nextLeader} leads now");
        await cluster.Http.WaitForMembersUpAsync(cluster[nextLeader].Http, 2, Long);
        Assert.Equal(SbrOwner(cluster, nextLeader), await SbrLeaseHolderAsync(cluster));
        cluster.Log($"{nextLeader} downed {lowest} and holds the resolver's lease");

        cluster.Start(lowest);
        await cluster.WaitForAllUpAsync(Long);
        // Up in the running cluster, not in one of its own (where it would see itself alone).
        await cluster.Http.WaitForMembersUpAsync(cluster[lowest].Http, 3, Long);
        cluster.Log($"{lowest} is Up again and leads");
        Assert.Equal(SbrOwner(cluster, nextLeader), await SbrLeaseHolderAsync(cluster));
        cluster[other].Kill();
        cluster.Log($"killed {other} while {nextLeader} still holds the lease");

        // The new leader takes the lease from the reachable holder and downs only the dead node (without that it
        // downed itself and the holder within about 25 s).
        await cluster.Http.WaitForMembersUpAsync(cluster[lowest].Http, 2, TimeSpan.FromMinutes(2));
        Assert.Equal(SbrOwner(cluster, lowest), await SbrLeaseHolderAsync(cluster));
        cluster.Log($"{lowest} took the lease over and downed {other}");
        await Task.Delay(TimeSpan.FromSeconds(10));
        Assert.False(cluster[lowest].HasExited, $"{lowest} exited");
        Assert.False(cluster[nextLeader].HasExited, $"{nextLeader} exited");
        await cluster.Http.WaitForMembersUpAsync(cluster[nextLeader].Http, 2, Long);

        var final = await cluster.WaitForStudyAsync(studyId, Finished, Long, "the study to finish");
        AssertIntact(final, trials);
        cluster.Passed();
    }

    private static string SbrOwner(ThreeNodeCluster cluster, string node) => $"hypertune@127.0.0.1:{cluster.Options[node].Port}";

    private static async Task<string?> SbrLeaseHolderAsync(ThreeNodeCluster cluster)
    {
        var rows = await cluster.Db.QueryAsync(
            "SELECT owner FROM hypertune_leases WHERE name = 'hypertune-akka-sbr' AND expires_at > clock_timestamp()");
        return rows.Count == 0 ? null : (string?)rows[0][0];
    }

    [Fact]
    public async Task After_every_node_is_stopped_and_restarted_an_unfinished_study_resumes_by_itself()
    {
        const int trials = 200;
        await using var cluster = await ThreeNodeCluster.StartAsync(output);
        var studyId = await cluster.Http.SubmitAsync(cluster["b"].Http, Spec("restart-all", trials, parallelism: 6, trainingTime: "200ms"));
        var before = await cluster.WaitForStudyAsync(studyId, d => Complete(d) >= 40, Long, "40 results");

        foreach (var name in new[] { "c", "b", "a" }) await cluster[name].StopAsync(TimeSpan.FromSeconds(60));
        cluster.Log($"all nodes stopped at {Complete(before)}+ complete");
        var stopped = await cluster.Http.StudyAsync(cluster.LiveHttp, studyId, trials: true);
        Assert.Null(stopped);

        foreach (var name in new[] { "a", "b", "c" }) cluster.Start(name);
        await cluster.WaitForAllUpAsync(Long);
        // Nobody resubmits: remember-entities restarts the study's coordinator, which goes on by itself.
        var final = await cluster.WaitForStudyAsync(studyId, Finished, Long, "the study to finish after the restart");
        AssertIntact(final, trials, CompletedValues(before));
        await ReadModelCheck.AssertMatchesAsync(cluster.Db, studyId, final);

        // Deleted through another node than its coordinator's: its events, views and listing go (PostgreSQL).
        var (status, deleted) = await cluster.Http.DeleteStudyAsync(cluster["c"].Http, studyId);
        Assert.True(status == 200, $"delete answered {status}: {deleted?.ToJsonString()}");
        Assert.Equal(trials, (int)deleted!["trials"]!);
        await ReadModelCheck.AssertDeletedAsync(cluster.Db, studyId);
        Assert.Null(await cluster.Http.StudyAsync(cluster.LiveHttp, studyId, trials: false));
        cluster.Passed();
    }

    [Fact]
    public async Task A_node_leaving_gracefully_hands_its_trials_over_and_they_resume_from_their_checkpoints()
    {
        await using var cluster = await ThreeNodeCluster.StartAsync(output);
        // A process trainable that counts ten steps, keeping its step in the checkpoint directory and resuming from it.
        var script = Path.Combine(Path.GetTempPath(), $"hypertune-steps-{Guid.NewGuid():N}.sh");
        File.WriteAllText(script, """
            #!/bin/sh
            d="$HYPERTUNE_CHECKPOINT_DIR"; start=0
            [ -f "$d/step" ] && start=$(cat "$d/step")
            i=$start
            # Checkpoints are written atomically (temp file, then rename), as docs/study-spec.md asks: an attempt
            # being cancelled on one node may still be writing while its successor reads.
            while [ $i -lt 10 ]; do i=$((i+1)); sleep 0.3; echo $i > "$d/step.$$"; mv "$d/step.$$" "$d/step"; echo "hypertune-report step=$i value=$i"; done
            echo "hypertune-report step=11 value=$2 resumed_from=$start"
            """);
        try
        {
            var spec = $$"""
                {
                  "name": "handover",
                  "objective": { "metric": "value", "direction": "minimize" },
                  "trainable": { "type": "process", "command": "/bin/sh", "args": [{{System.Text.Json.JsonSerializer.Serialize(script)}}] },
                  "space": [ { "name": "x", "type": "float", "low": 0, "high": 1 } ],
                  "optimizer": { "type": "random", "seed": 3 },
                  "budget": { "maxTrials": 18, "parallelism": 6 }
                }
                """;
            var studyId = await cluster.Http.SubmitAsync(cluster["a"].Http, spec);
            var c = cluster.Options["c"].Port;
            // The script writes its checkpoint before it reports a step, so a reported step means a checkpoint exists.
            // Waiting on that, not on a fixed delay, keeps the test true on a loaded machine where processes start late.
            var before = await cluster.WaitForStudyAsync(studyId,
                d => RunningOn(d, c) is { Length: 2 } running && running.All(n => LastStep(d, n) >= 1), Long, "two trials on c past their first step");
            var onC = RunningOn(before, c);
            await cluster["c"].StopAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(0, cluster["c"].ExitCode);
            cluster.Log($"c left gracefully while running trials {string.Join(",", onC)}");

            var final = await cluster.WaitForStudyAsync(studyId, Finished, Long, "the study to finish");
            foreach (var t in Trials(final).Where(t => (string?)t!["state"] != "complete")) cluster.Log($"not complete: {t!.ToJsonString()}");
            Assert.Equal(18, Complete(final));
            Assert.Equal(0, (int)final["trials"]!["failed"]!);
            foreach (var number in onC)
            {
                var trial = Trials(final).Single(t => (int)t!["number"]! == number)!;
                Assert.True((int)trial["dispatch"]! >= 2, $"trial {number} ran again elsewhere");
                Assert.True((double)trial["metrics"]!["resumed_from"]! > 0, $"trial {number} resumed from its checkpoint: {trial.ToJsonString()}");
            }
            cluster.Passed();
        }
        finally
        {
            File.Delete(script);
        }
    }
}
