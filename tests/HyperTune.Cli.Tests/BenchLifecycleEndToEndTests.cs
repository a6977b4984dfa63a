using System.Text.Json;

namespace HyperTune.Cli.Tests;

/// <summary>
/// `hypertune bench lifecycle` as a user runs it: real studies on an embedded node, figures from their journals.
/// Only consistency is checked (counts agree with the studies, fractions in range), never speed.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class BenchLifecycleEndToEndTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private readonly string _dir = Directory.CreateTempSubdirectory("hypertune-bench-lifecycle-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_small_run_writes_figures_computed_from_each_studys_records()
    {
        var output = Path.Combine(_dir, "lifecycle.json");
        var (code, stdout, stderr) = await HypertuneProcess.RunAsync(_dir, Timeout, "bench", "lifecycle",
            "--trials", "12", "--steps", "3", "--step-time", "5ms", "--slots", "2", "--out", output);
        Assert.True(code == 0, stderr);
        Assert.Contains("utilization", stdout);
        Assert.Contains("successive-halving", stdout);
        // The node's shutdown lines stay out of the command's output.
        Assert.DoesNotContain("Remoting shut down", stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(output));
        var root = doc.RootElement;
        Assert.Equal(12, root.GetProperty("trials").GetInt32());
        Assert.Equal(2, root.GetProperty("slots").GetInt32());
        foreach (var setup in new[] { "asha", "successive-halving" })
        {
            var r = root.GetProperty("results").GetProperty(setup);
            var trials = r.GetProperty("trials").GetInt32();
            Assert.Equal(12, trials);
            // The coordinator's counts and the journal's trials agree; every trial ran at least once.
            Assert.Equal(trials, r.GetProperty("complete").GetInt32() + r.GetProperty("pruned").GetInt32()
                                 + r.GetProperty("failed").GetInt32());
            // Each resume is one more run of a trial (nothing was requeued on a single healthy node).
            Assert.Equal(trials + r.GetProperty("resumes").GetInt32(), r.GetProperty("run_pieces").GetInt32());
            Assert.True(r.GetProperty("steps_reported").GetInt64() >= trials);
            Assert.True(r.GetProperty("utilization").GetDouble() is > 0 and <= 1, r.ToString());
            Assert.True(r.GetProperty("slot_limiter_utilization").GetDouble() is > 0 and <= 1, r.ToString());
            Assert.True(r.GetProperty("busy_slot_secs").GetDouble()
                        <= 2 * r.GetProperty("wall_secs").GetDouble() + 1e-9, r.ToString());
            Assert.Equal(0, r.GetProperty("overlaps").GetInt32());
            // Busy and idle slot time together fill the slots over the wall time.
            var idle = r.GetProperty("idle_slot_secs");
            var idleSum = idle.GetProperty("ramp_up").GetDouble() + idle.GetProperty("tail").GetDouble()
                          + idle.GetProperty("handover").EnumerateObject().Sum(h => h.Value.GetDouble());
            var filled = r.GetProperty("busy_slot_secs").GetDouble() + idleSum;
            Assert.InRange(filled - 2 * r.GetProperty("wall_secs").GetDouble(), -0.001, 0.001);
            foreach (var name in new[] { "handover_ms", "prune_to_next_start_ms" })
            {
                var latency = r.GetProperty(name);
                if (latency.GetProperty("count").GetInt32() == 0) continue;
                Assert.True(latency.GetProperty("median").GetDouble() >= 0, latency.ToString());
                Assert.True(latency.GetProperty("max").GetDouble() >= latency.GetProperty("p90").GetDouble());
            }
        }
        // ASHA prunes running trials at its rungs; successive halving pauses them and resumes the best.
        var asha = root.GetProperty("results").GetProperty("asha");
        Assert.True(asha.GetProperty("prune_to_next_start_ms").GetProperty("count").GetInt32() > 0, asha.ToString());
        var halving = root.GetProperty("results").GetProperty("successive-halving");
        Assert.True(halving.GetProperty("resumes").GetInt32() > 0, halving.ToString());
    }

    [Fact]
    public async Task Unknown_setups_are_refused_with_exit_code_2_before_a_node_starts()
    {
        var (code, stdout, stderr) =
            await HypertuneProcess.RunAsync(_dir, Timeout, "bench", "lifecycle", "--setups", "ashaa");
        Assert.Equal(2, code);
        Assert.Contains("unknown setup 'ashaa'", stderr);
        Assert.Equal("", stdout);
    }
}
