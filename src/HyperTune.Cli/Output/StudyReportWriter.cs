using System.Text;
using System.Text.Json;
using HyperTune.Cluster.Studies;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;
using Spectre.Console;

namespace HyperTune.Cli.Output;

/// <summary>Prints a study's outcome: a summary and a table of the top trials, or one JSON document.</summary>
public static class StudyReportWriter
{
    /// <summary>
    /// Writes the JSON document scripts read:
    /// <c>{"study": ID, "status": S, "reason": R, "trials": {"complete": N, "failed": N, "pruned": N, "running": N, "waiting": N}, "best": {"number": N, "value": X, "params": {...}}}</c>,
    /// plus <c>"trialList"</c> (every trial) when <paramref name="includeTrials"/>.
    /// </summary>
    public static string ToJson(StudyProtocol.StudyReport report, bool includeTrials)
    {
        var p = report.Progress;
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("study", p.StudyId);
            w.WriteString("name", p.Name);
            w.WriteString("status", p.Status.ToString().ToLowerInvariant());
            if (p.FinishReason is { } reason) w.WriteString("reason", reason);
            w.WriteString("metric", p.Metric);
            w.WriteString("direction", p.Direction.ToString().ToLowerInvariant());
            w.WriteNumber("maxTrials", p.MaxTrials);
            w.WriteStartObject("trials");
            w.WriteNumber("complete", p.Complete);
            w.WriteNumber("failed", p.Failed);
            w.WriteNumber("pruned", p.Pruned);
            w.WriteNumber("running", p.Running);
            w.WriteNumber("waiting", p.Waiting);
            w.WriteEndObject();
            if (p.Best is { } best)
            {
                w.WriteStartObject("best");
                w.WriteNumber("number", best.Number);
                w.WriteNumber("value", best.Value);
                WriteParams(w, best.Params);
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("best");
            }
            if (includeTrials && report.Trials is { } trials)
            {
                w.WriteStartArray("trialList");
                foreach (var t in trials)
                {
                    w.WriteStartObject();
                    w.WriteNumber("number", t.Number);
                    w.WriteString("state", t.State.ToString().ToLowerInvariant());
                    if (t.Value is { } v) w.WriteNumber("value", v);
                    else w.WriteNull("value");
                    WriteParams(w, t.Params);
                    if (t.FailureReason is { } fr) w.WriteString("failureReason", fr);
                    if (t.FailedAttempts > 0) w.WriteNumber("failedAttempts", t.FailedAttempts);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteParams(Utf8JsonWriter w, Configuration config)
    {
        w.WriteStartObject("params");
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

    /// <summary>Writes the human summary: outcome, counts, best trial, a table of the top trials and recent failures.</summary>
    public static void WriteHuman(StudyProtocol.StudyReport report, TextWriter output, int top = 10, TimeSpan? elapsed = null)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        var p = report.Progress;
        var trials = report.Trials ?? Array.Empty<TrialRecord>();
        console.MarkupLine($"[bold]Study {Markup.Escape(p.StudyId)}[/] {(p.Status == StudyStatus.Finished ? $"finished: {Markup.Escape(p.FinishReason ?? "")}" : "is running")}");
        var took = elapsed is { } e ? $" in {e.TotalSeconds:0.0}s" : "";
        console.MarkupLine($"{p.Done} of {p.MaxTrials} trials done{took}: {p.Complete} complete, {p.Failed} failed, {p.Pruned} pruned" +
                           (p.Running + p.Waiting > 0 ? $", {p.Running + p.Waiting} unfinished" : ""));
        if (p.Best is { } best)
        {
            console.MarkupLine($"[green]Best trial #{best.Number}[/]: {Markup.Escape(p.Metric)} = [bold]{ProgressView.Format(best.Value)}[/] ({p.Direction.ToString().ToLowerInvariant()})");
            console.MarkupLine($"  {Markup.Escape(best.Params.ToString())}");
        }
        else
        {
            console.MarkupLine("[yellow]No trial completed.[/]");
        }

        var history = new TrialHistory(trials, p.Direction);
        var ranked = history.Completed.OrderBy(t => history.Loss(t)).ThenBy(t => t.Number).Take(top).ToList();
        if (ranked.Count > 0)
        {
            var names = ranked.SelectMany(t => t.Params.Keys).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToList();
            var table = new Table().Border(TableBorder.Rounded).Title($"Top {ranked.Count} trials");
            table.AddColumn("#");
            table.AddColumn(new TableColumn(Markup.Escape(p.Metric)).RightAligned());
            foreach (var n in names) table.AddColumn(new TableColumn(Markup.Escape(n)).RightAligned());
            foreach (var t in ranked)
                table.AddRow(new[] { t.Number.ToString(), ProgressView.Format(t.Value!.Value) }
                    .Concat(names.Select(n => t.Params.TryGetValue(n, out var v) ? Markup.Escape(ParameterValues.Format(v)) : "-")).ToArray());
            console.Write(table);
        }

        var failures = trials.Where(t => t.State == TrialState.Failed).TakeLast(3).ToList();
        foreach (var f in failures)
            console.MarkupLine($"[red]Trial #{f.Number} failed[/]: {Markup.Escape(FirstLines(f.FailureReason ?? "", 4))}");
    }

    private static string FirstLines(string text, int n) => string.Join("\n    ", text.Split('\n').Take(n));
}
