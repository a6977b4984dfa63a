using System.Text;
using System.Text.Json;
using HyperTune.Cluster.Studies;
using HyperTune.Core.Optimizers.Evolution;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;

namespace HyperTune.Cluster.Api;

/// <summary>The JSON documents the CLI (<c>--json</c>) and the HTTP API give for studies.</summary>
public static class StudyJson
{
    /// <summary>
    /// Writes the JSON document scripts read:
    /// <c>{"study": ID, "status": S, "reason": R, "trials": {"complete": N, "failed": N, "pruned": N, "paused": N, "running": N, "waiting": N}, "steps": N, "best": {"number": N, "value": X, "params": {...}}}</c>,
    /// plus <c>"rungs"</c> when the report has them (one object per bracket and rung: <c>bracket</c>, <c>rung</c>,
    /// <c>step</c>, <c>trials</c>, <c>promoted</c>, <c>bestValue</c>; empty for a scheduler without rungs) and
    /// <c>"trialList"</c> (every trial, with <c>lastStep</c> and <c>stopAtStep</c> where known, and the optimizer's
    /// <c>attributes</c>) when <paramref name="includeTrials"/>. A multi-objective study adds <c>"objectives"</c>
    /// (name and direction of each) and its <c>"best"</c> is the Pareto front: a list of
    /// <c>{"number", "values": {METRIC: X}, "params"}</c>. An evolutionary study adds <c>"generations"</c>
    /// (<c>generation</c>, <c>size</c>, <c>complete</c>, <c>best</c>, <c>mean</c>).
    /// </summary>
    public static string ToJson(StudyProtocol.StudyReport report, bool includeTrials, bool indented = true)
    {
        using var stream = new MemoryStream();
        Write(stream, report, includeTrials, indented);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>
    /// Writes <see cref="ToJson"/>'s document to <paramref name="output"/> as it goes (a study of 100,000 trials is
    /// tens of megabytes: never held whole in memory).
    /// </summary>
    public static void Write(Stream output, StudyProtocol.StudyReport report, bool includeTrials, bool indented = true)
    {
        var p = report.Progress;
        using (var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = indented }))
        {
            w.WriteStartObject();
            w.WriteString("study", p.StudyId);
            w.WriteString("name", p.Name);
            w.WriteString("status", StatusOf(p));
            if (p.FinishReason is { } reason) w.WriteString("reason", reason);
            if (p.PauseReason is { } pauseReason) w.WriteString("pauseReason", pauseReason);
            w.WriteString("metric", p.Metric);
            w.WriteString("direction", p.Direction.ToString().ToLowerInvariant());
            if (p.Objectives is { } objectives)
            {
                w.WriteStartArray("objectives");
                foreach (var o in objectives)
                {
                    w.WriteStartObject();
                    w.WriteString("name", o.Name);
                    w.WriteString("direction", o.Direction.ToString().ToLowerInvariant());
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            if (p.Constraints is { } constraints)
            {
                w.WriteStartArray("constraints");
                foreach (var c in constraints)
                {
                    w.WriteStartObject();
                    w.WriteString("metric", c.Metric);
                    if (c.Min is { } min) w.WriteNumber("min", min);
                    if (c.Max is { } max) w.WriteNumber("max", max);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteString("createdAt", p.CreatedAt.ToUniversalTime().ToString("O"));
            if (p.FinishedAt is { } finishedAt) w.WriteString("finishedAt", finishedAt.ToUniversalTime().ToString("O"));
            w.WriteNumber("maxTrials", p.MaxTrials);
            w.WriteNumber("parallelism", p.Parallelism);
            if (report.CoordinatorNode is { } node) w.WriteString("coordinatorNode", node);
            if (report.SpaceJson is { } space)
            {
                // As the spec wrote it: tools (the dashboard's axes, parameter importance) need the ranges.
                w.WritePropertyName("space");
                w.WriteRawValue(space);
            }
            w.WriteStartObject("trials");
            w.WriteNumber("complete", p.Complete);
            w.WriteNumber("failed", p.Failed);
            w.WriteNumber("pruned", p.Pruned);
            w.WriteNumber("paused", p.Paused);
            w.WriteNumber("cancelled", p.Cancelled);
            w.WriteNumber("running", p.Running);
            w.WriteNumber("queued", p.Queued);
            w.WriteNumber("waiting", p.Waiting);
            w.WriteEndObject();
            // Training steps spent, summed over trials: the resource early stopping saves.
            w.WriteNumber("steps", p.Steps);
            if (p.Front is { } front)
            {
                // Several objectives: the best is the Pareto front, each member with its objective values.
                w.WriteStartArray("best");
                foreach (var member in front)
                {
                    w.WriteStartObject();
                    w.WriteNumber("number", member.Number);
                    w.WriteStartObject("values");
                    foreach (var o in p.Objectives ?? Array.Empty<ObjectiveMetric>()) w.WriteNumber(o.Name, member.Values[o.Name]);
                    w.WriteEndObject();
                    WriteParams(w, member.Params);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            else if (p.Best is { } best)
            {
                w.WriteStartObject("best");
                w.WriteNumber("number", best.Number);
                w.WriteNumber("value", best.Value);
                WriteParams(w, best.Params);
                if (report.BestSchedule is { } schedule)
                {
                    // The configurations its model was trained with, through the members it exploited.
                    w.WriteStartArray("schedule");
                    foreach (var segment in schedule)
                    {
                        w.WriteStartObject();
                        w.WriteNumber("afterStep", segment.AfterStep);
                        WriteParams(w, segment.Params);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("best");
            }
            if (report.Rungs is { } rungs) WriteRungs(w, rungs);
            if (report.Generations is { } generations) WriteGenerations(w, generations);
            if (report.FinalStep is { } finalStep) w.WriteNumber("finalStep", finalStep);
            if (p.Refit is { } refit) WriteRefit(w, refit, p.Best);
            if (includeTrials && report.Trials is { } trials)
            {
                w.WriteStartArray("trialList");
                foreach (var t in trials)
                {
                    WriteTrial(w, t, report, withIntermediate: false);
                    // Flushed as it goes, so the writer's buffer stays small.
                    if (w.BytesPending > FlushThreshold) w.Flush();
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
    }

    private const int FlushThreshold = 64 * 1024;

    /// <summary>
    /// The study's refit: <c>{"trial", "status" (waiting, running, complete, failed), "reason", "node",
    /// "crossValidatedValue" (when the trial is still the best), "trainRows", "testRows", "test": {METRIC: X},
    /// "modelPath", "failureReason", "failedAttempts", "failedNodes", "requestedAt", "finishedAt"}</c>; the names of
    /// <c>hypertune run</c>'s refit record where they mean the same.
    /// </summary>
    private static void WriteRefit(Utf8JsonWriter w, StudyRefit refit, TrialSummary? best)
    {
        w.WriteStartObject("refit");
        w.WriteNumber("trial", refit.Trial);
        w.WriteString("status", refit.Status.ToString().ToLowerInvariant());
        w.WriteString("reason", refit.Reason);
        if (refit.NodeKey is { } node) w.WriteString("node", node);
        if (best is not null && best.Number == refit.Trial) w.WriteNumber("crossValidatedValue", best.Value);
        if (refit.Status == RefitStatus.Complete)
        {
            w.WriteNumber("trainRows", refit.TrainRows);
            w.WriteNumber("testRows", refit.TestRows);
            w.WriteStartObject("test");
            foreach (var (name, value) in refit.TestMetrics.OrderBy(m => m.Key, StringComparer.Ordinal))
                w.WriteNumber(name, value);
            w.WriteEndObject();
            if (refit.ModelPath is { } model) w.WriteString("modelPath", model);
        }
        if (refit.FailureReason is { } failure) w.WriteString("failureReason", failure);
        w.WriteNumber("failedAttempts", refit.FailedAttempts);
        if (!refit.FailedNodes.IsEmpty)
        {
            w.WriteStartArray("failedNodes");
            foreach (var failedOn in refit.FailedNodes) w.WriteStringValue(failedOn);
            w.WriteEndArray();
        }
        w.WriteNumber("dispatch", refit.Dispatch);
        w.WriteString("requestedAt", refit.RequestedAt.ToUniversalTime().ToString("O"));
        if (refit.FinishedAt is { } at) w.WriteString("finishedAt", at.ToUniversalTime().ToString("O"));
        w.WriteEndObject();
    }

    /// <summary>"running", "paused" (held by an operator) or "finished", as the documents spell a study's status.
    /// </summary>
    public static string StatusOf(StudyProgress p) =>
        p.Status == StudyStatus.Running && p.PauseReason is not null
            ? "paused"
            : p.Status.ToString().ToLowerInvariant();

    /// <summary>
    /// One trial's document, as in <c>trialList</c>, plus its intermediate values
    /// (<c>"intermediate": [{"step": S, "value": X}, ...]</c>): what the read model keeps per trial.
    /// </summary>
    public static string TrialToJson(StudyProtocol.StudyReport report, TrialRecord trial)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream)) WriteTrial(w, trial, report, withIntermediate: true);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteTrial(Utf8JsonWriter w, TrialRecord t, StudyProtocol.StudyReport report,
        bool withIntermediate)
    {
        var p = report.Progress;
        w.WriteStartObject();
        w.WriteNumber("number", t.Number);
        // Dispatched but waiting for a slot on its worker node: not running yet, and not started.
        var queued = t.State == TrialState.Running && report.Executing is { } executing
                     && !executing.Contains(t.Number);
        w.WriteString("state", queued ? "queued" : t.State.ToString().ToLowerInvariant());
        if (t.Value is { } v) w.WriteNumber("value", v);
        else w.WriteNull("value");
        // Under constraints, a completed trial that breaks one says so (the best is chosen among the others).
        if (p.Constraints is { } bounds && t.State == TrialState.Complete)
            w.WriteBoolean("feasible", bounds.All(c => c.ViolationIn(t.Metrics) == 0));
        WriteParams(w, t.Params);
        if (!t.Metrics.IsEmpty)
        {
            w.WriteStartObject("metrics");
            foreach (var (name, value) in t.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
                w.WriteNumber(name, value);
            w.WriteEndObject();
        }
        // The latest intermediate report tells an operator how far a running trial has got.
        if (t.LastIntermediate is { } last) w.WriteNumber("lastStep", last.Step);
        // Where the trial's current run pauses by itself (a synchronous rung's milestone); a stop at the
        // last step is the run's end, not a pause.
        if (t.StopAtStep is { } stop && (report.FinalStep is not { } final || stop < final))
            w.WriteNumber("stopAtStep", stop);
        if (!t.Lineage.IsEmpty) WriteLineage(w, t.Lineage);
        // The optimizer's bookkeeping: an evolutionary trial's generation, parents and operator.
        if (!t.Attributes.IsEmpty)
        {
            w.WriteStartObject("attributes");
            foreach (var (name, value) in t.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
                w.WriteString(name, value);
            w.WriteEndObject();
        }
        if (t.FailureReason is { } fr) w.WriteString("failureReason", fr);
        if (t.FailedAttempts > 0) w.WriteNumber("failedAttempts", t.FailedAttempts);
        if (t.StartedAt is { } started && !queued)
            w.WriteString("startedAt", started.ToUniversalTime().ToString("O"));
        if (t.FinishedAt is { } finished) w.WriteString("finishedAt", finished.ToUniversalTime().ToString("O"));
        if (report.Dispatches?.TryGetValue(t.Number, out var dispatch) == true) w.WriteNumber("dispatch", dispatch);
        if (report.RunningOn?.TryGetValue(t.Number, out var worker) == true) w.WriteString("node", worker);
        if (report.Parts?.TryGetValue(t.Number, out var parts) == true)
        {
            w.WriteStartObject("parts");
            w.WriteNumber("count", parts.Count);
            w.WriteNumber("done", parts.Done);
            w.WriteStartArray("nodes");
            foreach (var node in parts.Nodes) w.WriteStringValue(node);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        if (withIntermediate && !t.Intermediate.IsEmpty)
        {
            w.WriteStartArray("intermediate");
            foreach (var i in t.Intermediate)
            {
                w.WriteStartObject();
                w.WriteNumber("step", i.Step);
                if (double.IsFinite(i.Value)) w.WriteNumber("value", i.Value);
                else w.WriteNull("value");
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    /// <summary>A population member's exploit/explore steps: from which trial's checkpoint, and its params before and
    /// after.</summary>
    private static void WriteLineage(Utf8JsonWriter w, IEnumerable<LineageEntry> lineage)
    {
        w.WriteStartArray("lineage");
        foreach (var entry in lineage)
        {
            w.WriteStartObject();
            w.WriteNumber("step", entry.Step);
            w.WriteNumber("donor", entry.Donor);
            WriteParams(w, entry.Before, "before");
            WriteParams(w, entry.After, "after");
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>An evolutionary study's generations, in order.</summary>
    private static void WriteGenerations(Utf8JsonWriter w, IReadOnlyList<GenerationSummary> generations)
    {
        w.WriteStartArray("generations");
        foreach (var g in generations)
        {
            w.WriteStartObject();
            w.WriteNumber("generation", g.Generation);
            w.WriteNumber("size", g.Size);
            w.WriteNumber("complete", g.Complete);
            if (g.Best is { } best) w.WriteNumber("best", best);
            else w.WriteNull("best");
            if (g.Mean is { } mean) w.WriteNumber("mean", mean);
            else w.WriteNull("mean");
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>The rungs, ordered by bracket then rung, before the (long) trial list.</summary>
    private static void WriteRungs(Utf8JsonWriter w, IReadOnlyList<RungSummary> rungs)
    {
        w.WriteStartArray("rungs");
        foreach (var r in rungs.OrderBy(r => r.Bracket).ThenBy(r => r.Rung))
        {
            w.WriteStartObject();
            w.WriteNumber("bracket", r.Bracket);
            w.WriteNumber("rung", r.Rung);
            w.WriteNumber("step", r.Step);
            w.WriteNumber("trials", r.Trials);
            w.WriteNumber("promoted", r.Promoted);
            if (r.BestValue is { } best && double.IsFinite(best)) w.WriteNumber("bestValue", best);
            else w.WriteNull("bestValue");
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteParams(Utf8JsonWriter w, Configuration config, string property = "params")
    {
        w.WriteStartObject(property);
        foreach (var (name, value) in config)
        {
            switch (value)
            {
                case double d: w.WriteNumber(name, d); break;
                case long l: w.WriteNumber(name, l); break;
                case bool b: w.WriteBoolean(name, b); break;
                default: w.WriteString(name, value.ToString()); break;
            }
        }
        w.WriteEndObject();
    }
}
