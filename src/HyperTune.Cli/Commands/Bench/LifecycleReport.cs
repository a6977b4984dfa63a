using System.Globalization;
using System.Text.Json;
using HyperTune.Benchmarks;

namespace HyperTune.Cli.Commands.Bench;

/// <summary>Prints and saves what <c>hypertune bench lifecycle</c> measured.</summary>
internal static class LifecycleReport
{
    /// <summary>The utilization the issue asks of ASHA (busy slot time over slots x wall time).</summary>
    public const double UtilizationGoal = 0.9;

    /// <summary>The prune-to-next-start latency the issue allows, in milliseconds.</summary>
    public const double HandoverGoalMs = 100;

    /// <summary>Writes the table of figures, one row per setup, and the goals.</summary>
    public static void WriteTable(LifecycleBenchmarkOptions options, IReadOnlyList<LifecycleSetupResult> results,
        TextWriter writer)
    {
        writer.WriteLine($"{options.Optimizer} on {options.Function}: {options.Trials} trials x {options.Steps} " +
                         "steps " +
                         $"of {options.StepTime.TotalMilliseconds:0.#} ms, {options.Slots} slots on one node, SQLite");
        var table = new TextTable("setup", "trials", "complete", "pruned", "resumes", "steps", "wall s", "busy slot-s",
            "utilization", "(slot limiter)", "prune->next start ms: n", "median", "p90", "max", "best");
        foreach (var r in results)
        {
            var t = r.Timeline;
            var prune = LatencySummary.Of(t.Handovers(options.Slots, "pruned"));
            table.Add(r.Setup, F(t.Trials), F(r.Complete), F(r.Pruned), F(t.Resumes), F(t.StepsReported),
                F(t.Wall.TotalSeconds, "0.00"), F(t.Busy.TotalSeconds, "0.0"), F(t.Utilization(options.Slots), "0.000"),
                F(r.SlotLimiterUtilization, "0.000"), F(prune.Count), F(prune.MedianMs, "0.0"), F(prune.P90Ms, "0.0"),
                F(prune.MaxMs, "0.0"), r.BestValue is { } b ? F(b, "0.000000") : "-");
        }
        table.Write(writer);
        foreach (var r in results)
        {
            var idle = r.Timeline.Idle(options.Slots);
            var handovers = string.Concat(idle.Handover.OrderBy(h => h.Key, StringComparer.Ordinal)
                .Select(h => $", after {h.Key} {h.Value.TotalSeconds:0.00}"));
            var reaction = LatencySummary.Of(r.Timeline.CompletionReactions.ToList());
            writer.WriteLine($"{r.Setup}: idle slot-s {idle.Total.TotalSeconds:0.00} = ramp-up " +
                             $"{idle.RampUp.TotalSeconds:0.00}{handovers}, tail {idle.Tail.TotalSeconds:0.00}; " +
                             $"a result waited for the coordinator median {F(reaction.MedianMs, "0.0")} ms, " +
                             $"p90 {F(reaction.P90Ms, "0.0")} ms (n={reaction.Count})");
        }
        if (results.FirstOrDefault(r => r.Setup == "asha") is { } asha)
        {
            var u = asha.Timeline.Utilization(options.Slots);
            var prune = LatencySummary.Of(asha.Timeline.Handovers(options.Slots, "pruned"));
            writer.WriteLine($"Goal: asha keeps the slots at least {UtilizationGoal:P0} busy: {u:P1} " +
                             (u >= UtilizationGoal ? "(met)" : "(NOT met)"));
            if (prune.Count > 0)
                writer.WriteLine($"Goal: a pruned trial's slot is taken within {HandoverGoalMs:0} ms: max " +
                                 $"{prune.MaxMs:0.0} ms " + (prune.MaxMs <= HandoverGoalMs ? "(met)" : "(NOT met)"));
        }
        foreach (var r in results.Where(r => r.Timeline.Overlaps(options.Slots) > 0))
            writer.WriteLine($"warning: {r.Setup}: {r.Timeline.Overlaps(options.Slots)} runs started with every slot " +
                             "taken by the records; the times are not consistent");
    }

    /// <summary>
    /// Writes the figures as JSON: the options, then per setup the counts, <c>wall_secs</c>, <c>busy_slot_secs</c>,
    /// <c>utilization</c> (from the journal), <c>slot_limiter_utilization</c> (the check), and
    /// <c>idle_slot_secs</c> by cause (<c>ramp_up</c>, <c>handover</c> by ending event, <c>tail</c>), and
    /// <c>prune_to_next_start_ms</c>, <c>handover_ms</c> (every freed slot) and <c>completion_reaction_ms</c> (a
    /// result's wait for the coordinator) as count, median, p90 and max.
    /// Non-finite numbers are null.
    /// </summary>
    public static void WriteJson(LifecycleBenchmarkOptions options, IReadOnlyList<LifecycleSetupResult> results,
        Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteNumber("trials", options.Trials);
        w.WriteNumber("steps", options.Steps);
        w.WriteNumber("step_ms", options.StepTime.TotalMilliseconds);
        w.WriteNumber("slots", options.Slots);
        w.WriteString("function", options.Function);
        w.WriteString("optimizer", options.Optimizer);
        w.WriteString("storage", "sqlite");
        w.WriteStartObject("results");
        foreach (var r in results)
        {
            var t = r.Timeline;
            w.WriteStartObject(r.Setup);
            w.WriteString("study_id", r.StudyId);
            w.WriteString("finish_reason", r.FinishReason);
            w.WriteNumber("trials", t.Trials);
            w.WriteNumber("complete", r.Complete);
            w.WriteNumber("pruned", r.Pruned);
            w.WriteNumber("failed", r.Failed);
            w.WriteNumber("resumes", t.Resumes);
            w.WriteNumber("run_pieces", t.Pieces.Count);
            w.WriteNumber("steps_reported", t.StepsReported);
            BenchmarkJson.WriteNumber(w, "best_value", r.BestValue ?? double.NaN);
            BenchmarkJson.WriteNumber(w, "wall_secs", Math.Round(t.Wall.TotalSeconds, 4));
            BenchmarkJson.WriteNumber(w, "busy_slot_secs", Math.Round(t.Busy.TotalSeconds, 4));
            BenchmarkJson.WriteNumber(w, "utilization", Math.Round(t.Utilization(options.Slots), 4));
            BenchmarkJson.WriteNumber(w, "slot_limiter_utilization", Math.Round(r.SlotLimiterUtilization, 4));
            w.WriteNumber("overlaps", t.Overlaps(options.Slots));
            var idle = t.Idle(options.Slots);
            w.WriteStartObject("idle_slot_secs");
            w.WriteNumber("ramp_up", Math.Round(idle.RampUp.TotalSeconds, 4));
            w.WriteStartObject("handover");
            foreach (var (endedBy, time) in idle.Handover.OrderBy(h => h.Key, StringComparer.Ordinal))
                w.WriteNumber(endedBy, Math.Round(time.TotalSeconds, 4));
            w.WriteEndObject();
            w.WriteNumber("tail", Math.Round(idle.Tail.TotalSeconds, 4));
            w.WriteEndObject();
            Latencies(w, "prune_to_next_start_ms", LatencySummary.Of(t.Handovers(options.Slots, "pruned")));
            Latencies(w, "handover_ms", LatencySummary.Of(t.Handovers(options.Slots)));
            Latencies(w, "completion_reaction_ms", LatencySummary.Of(t.CompletionReactions.ToList()));
            BenchmarkJson.WriteNumber(w, "secs", Math.Round(r.Seconds, 3));
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Latencies(Utf8JsonWriter w, string name, LatencySummary s)
    {
        w.WriteStartObject(name);
        w.WriteNumber("count", s.Count);
        BenchmarkJson.WriteNumber(w, "median", Math.Round(s.MedianMs, 2));
        BenchmarkJson.WriteNumber(w, "p90", Math.Round(s.P90Ms, 2));
        BenchmarkJson.WriteNumber(w, "max", Math.Round(s.MaxMs, 2));
        w.WriteEndObject();
    }

    private static string F(double value, string format) =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string F(long value) => value.ToString(CultureInfo.InvariantCulture);
}
