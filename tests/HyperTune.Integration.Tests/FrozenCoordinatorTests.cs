using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit.Abstractions;
using static HyperTune.Integration.Tests.StudyDocument;

namespace HyperTune.Integration.Tests;

/// <summary>
/// A coordinator's node frozen (SIGSTOP) for longer than its study lease and than downing takes: another node takes
/// the study over and goes on; once thawed, the frozen node writes nothing more to the study's journal and answers
/// no stale state (it finds itself downed and exits).
/// </summary>
[Trait("Category", "Integration")]
public sealed class FrozenCoordinatorTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(4);
    // At least this long, and until another node has taken over (which a heavily loaded machine may need longer for).
    private static readonly TimeSpan Frozen = TimeSpan.FromSeconds(30);

    [Fact]
    public Task A_coordinator_node_frozen_past_its_lease_is_taken_over_and_never_writes_again_after_thawing() =>
        FreezeThawAsync(learnsItWasDowned: true);

    /// <summary>
    /// The same with the thawed node not told it was downed (as when it still reaches the database but not the other
    /// nodes): it stays a member for a while and restarts its coordinator, and only the study's lease keeps that one
    /// from writing.
    /// </summary>
    [Fact]
    public Task A_frozen_coordinator_node_that_does_not_learn_it_was_downed_is_kept_from_writing_by_the_study_lease() =>
        FreezeThawAsync(learnsItWasDowned: false);

    private async Task FreezeThawAsync(bool learnsItWasDowned)
    {
        const int trials = 800;
        await using var cluster = await StartClusterAsync(learnsItWasDowned);
        // Every journal row records the node whose connection wrote it (each node's connections carry its name).
        await cluster.Db.QueryAsync(
            "ALTER TABLE journal ADD COLUMN written_by text DEFAULT current_setting('application_name')");
        var spec = Spec("frozen", trials, parallelism: 4, trainingTime: "200ms");
        var studyId = await cluster.Http.SubmitAsync(cluster["a"].Http, spec);

        var beforeFreeze = await cluster.WaitForStudyAsync(studyId, d => Complete(d) >= 40, Long, "40 results");
        var frozen = cluster.NameOf((string)beforeFreeze["coordinatorNode"]!);
        var others = new[] { "a", "b", "c" }.Where(n => n != frozen).Select(n => cluster[n].Http).ToArray();
        cluster[frozen].Freeze();
        var frozenAt = Stopwatch.StartNew();
        cluster.Log($"froze {frozen}, the coordinator's node, at {Complete(beforeFreeze)} complete");
        try
        {
            // Another node owns the study and records results again, while the old coordinator is still frozen.
            var takenOver = await NodeHttpWait(cluster, others, studyId,
                d => cluster.NameOf((string)d["coordinatorNode"]!) != frozen
                     && Complete(d) > Complete(beforeFreeze) + 10,
                Long, "another node to take the study over during the freeze");
            var owner = cluster.NameOf((string)takenOver["coordinatorNode"]!);
            cluster.Log($"taken over by {owner} after {frozenAt.Elapsed.TotalSeconds:0.0}s " +
                        "(first document with its progress)");
            var remaining = Frozen - frozenAt.Elapsed;
            if (remaining > TimeSpan.Zero) await Task.Delay(remaining);
        }
        finally
        {
            if (!cluster[frozen].HasExited) cluster[frozen].Thaw();
        }
        var atThaw = await NodeHttpWait(cluster, others, studyId, _ => true, Long, "the study's state at the thaw");
        cluster.Log($"thawed {frozen} after {frozenAt.Elapsed.TotalSeconds:0.0}s; the study is at {Complete(atThaw)} " +
                    "complete");
        Assert.False(Finished(atThaw), "the study finished before the thaw; the test needs it running then");

        // The thawed node must not serve its pre-freeze state: it answers with current counts, an error, or not at all.
        var staleAnswers = new List<string>();
        var exitWait = Stopwatch.StartNew();
        while (!cluster[frozen].HasExited && exitWait.Elapsed < TimeSpan.FromSeconds(90))
        {
            // A short timeout per request: the thawed node may hold a query unanswered (its coordinator waits for
            // the lease).
            using var request = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            try
            {
                var doc = await cluster.Http.TryGetAsync(cluster[frozen].Http, $"studies/{studyId}", request.Token);
                if (doc is not null && Complete(doc) < Complete(atThaw)) staleAnswers.Add(doc.ToJsonString());
            }
            catch (OperationCanceledException)
            {
            }
            await Task.Delay(200);
        }
        cluster.Log(cluster[frozen].HasExited
            ? $"{frozen} exited ({cluster[frozen].ExitCode}) {exitWait.Elapsed.TotalSeconds:0.0}s after the thaw"
            : $"{frozen} still runs {exitWait.Elapsed.TotalSeconds:0}s after the thaw");
        Assert.Empty(staleAnswers);
        // A write the journal's unique key refused would mean the thawed node tried to write as a second writer;
        // fenced, it writes nothing at all (without the fence it did, at once, and was refused or interleaved).
        Assert.DoesNotContain("Failed to persist", cluster[frozen].ReadLog());
        Assert.True(cluster[frozen].HasExited, $"{frozen} was downed while frozen and exits once it learns so");

        var final = await NodeHttpWait(cluster, others, studyId, Finished, Long, "the study to finish");
        AssertIntact(final, trials, CompletedValues(beforeFreeze), CompletedValues(atThaw));

        // One writer at a time: along the sequence numbers the writing node changes once (the takeover) and never
        // comes back; in particular the thawed node wrote nothing after the new owner began.
        var rows = await cluster.Db.QueryAsync(
            "SELECT sequence_number, written_by FROM journal " +
            $"WHERE persistence_id = 'study-{studyId}' ORDER BY sequence_number");
        var runs = new List<(string Node, long First, long Last)>();
        foreach (var row in rows)
        {
            var (sequenceNr, node) = (Convert.ToInt64(row[0]), (string?)row[1] ?? "?");
            if (runs.Count > 0 && runs[^1].Node == node) runs[^1] = runs[^1] with { Last = sequenceNr };
            else runs.Add((node, sequenceNr, sequenceNr));
        }
        cluster.Log($"journal of study-{studyId}: {rows.Count} events; writers by sequence number: " +
                    string.Join(", ", runs.Select(r => $"{r.Node} {r.First}-{r.Last}")));
        Assert.Equal(runs.Count, runs.Select(r => r.Node).Distinct().Count());
        Assert.Equal(frozen, runs[0].Node);
        Assert.True(runs.Count >= 2, "the study's journal was written by a second node after the freeze");
        cluster.Passed();
    }

    private async Task<ThreeNodeCluster> StartClusterAsync(bool learnsItWasDowned)
    {
        if (learnsItWasDowned) return await ThreeNodeCluster.StartAsync(output);
        // The nodes read HYPERTUNE_CONFIG when they start; the tests of this assembly run one at a time.
        var config = Path.Combine(Path.GetTempPath(), $"hypertune-no-quarantine-downing-{Guid.NewGuid():N}.conf");
        File.WriteAllText(config, "hypertune.node.down-when-quarantined = off\n");
        var previous = Environment.GetEnvironmentVariable("HYPERTUNE_CONFIG");
        var files = string.IsNullOrEmpty(previous) ? config : $"{previous},{config}";
        Environment.SetEnvironmentVariable("HYPERTUNE_CONFIG", files);
        try
        {
            return await ThreeNodeCluster.StartAsync(output);
        }
        finally
        {
            Environment.SetEnvironmentVariable("HYPERTUNE_CONFIG", previous);
            File.Delete(config);
        }
    }

    /// <summary>Waits for a study document from the given nodes only (a frozen node's API holds requests).</summary>
    private static async Task<JsonNode> NodeHttpWait(ThreeNodeCluster cluster, IReadOnlyList<string> nodes,
        string studyId, Func<JsonNode, bool> condition, TimeSpan timeout, string what)
    {
        try
        {
            return await LocalCluster.NodeHttp.WaitUntilAsync(
                () => cluster.Http.StudyAsync(nodes, studyId, trials: true), condition, timeout, what);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; last failed request: {cluster.Http.LastFailure ?? "none"}", e);
        }
    }
}
