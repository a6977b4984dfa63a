using System.Text.Json;

namespace HyperTune.Benchmarks.Tests;

public class SuggestLatencyBenchmarkTests
{
    [Fact]
    public void Latency_is_reported_per_optimizer_and_history_size()
    {
        var report = SuggestLatencyBenchmark.Run(new SuggestLatencyOptions
        {
            HistorySizes = new[] { 20, 10 },
            Calls = 3,
            WarmupCalls = 1,
            WarmupMilliseconds = 0,
            Optimizers = new[] { "random", "cmaes", "not-built-here" },
        });
        Assert.Equal(6, report.Dimension);
        Assert.Equal(new[] { 10, 20 }, report.HistorySizes);
        foreach (var o in new[] { "random", "cmaes" })
            foreach (var size in report.HistorySizes)
            {
                var e = report.Get(o, size)!;
                Assert.Null(e.Skipped);
                Assert.Equal(3, e.Calls);
                Assert.True(e.MedianMilliseconds >= 0 && e.P90Milliseconds >= e.MedianMilliseconds);
                Assert.True(e.WarmMedianMilliseconds >= 0 && e.WarmP90Milliseconds >= e.WarmMedianMilliseconds);
            }
        Assert.Contains(report.Skipped, s => s.Optimizer == "not-built-here");
        using var doc = JsonDocument.Parse(report.ToJson());
        Assert.Equal(JsonValueKind.Number, doc.RootElement.GetProperty("results").GetProperty("cmaes").GetProperty("20").GetProperty("median_ms").ValueKind);
        var text = new StringWriter();
        report.WriteTable(text);
        Assert.Contains("cmaes", text.ToString());
    }

    [Fact]
    public void Latency_can_be_measured_with_trials_still_running()
    {
        var options = new SuggestLatencyOptions
        {
            HistorySizes = new[] { 15 },
            Calls = 2,
            WarmupCalls = 1,
            WarmupMilliseconds = 0,
            Pending = 3,
            Optimizers = new[] { "tpe" },
        };
        var report = SuggestLatencyBenchmark.Run(options);
        Assert.Equal(3, report.Pending);
        Assert.Null(report.Get("tpe", 15)!.Skipped);
        using var doc = JsonDocument.Parse(report.ToJson());
        Assert.Equal(3, doc.RootElement.GetProperty("pending").GetInt32());
        var text = new StringWriter();
        report.WriteTable(text);
        Assert.Contains("3 more trial(s) running", text.ToString());
        Assert.Throws<ArgumentException>(() => SuggestLatencyBenchmark.Run(options with { Pending = -1 }));
    }

    [Fact]
    public void An_optimizer_over_the_cap_is_skipped_at_larger_sizes()
    {
        var report = SuggestLatencyBenchmark.Run(new SuggestLatencyOptions
        {
            HistorySizes = new[] { 5, 10 },
            Calls = 2,
            WarmupCalls = 1,
            WarmupMilliseconds = 0,
            MaxCallMilliseconds = 1e-9,
            Optimizers = new[] { "random" },
        });
        Assert.All(report.Entries, e => Assert.NotNull(e.Skipped));
    }

    [Fact]
    public void Histories_are_reproducible_and_completed()
    {
        var problem = HyperTune.Trainables.Functions.BenchmarkSuite.Find("hartmann6")!;
        var a = SuggestLatencyBenchmark.BuildHistory(problem, 30, 1);
        var b = SuggestLatencyBenchmark.BuildHistory(problem, 30, 1);
        Assert.Equal(a.Trials.Select(t => t.Params), b.Trials.Select(t => t.Params));
        Assert.Equal(30, a.Completed.Count());
    }
}
