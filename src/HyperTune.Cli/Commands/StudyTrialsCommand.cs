using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using HyperTune.Cli.Output;
using HyperTune.Cluster.Api;
using HyperTune.Cluster.Studies;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;
using Spectre.Console;

namespace HyperTune.Cli.Commands;

/// <summary>
/// <c>hypertune study trials|best|export</c>: a study's trials as a table, its best trial(s), and every trial as
/// CSV or JSON lines. On a local store they read its read model (no node starts); with <c>--node</c> they ask a
/// running node.
/// </summary>
internal static class StudyTrialsCommand
{
    /// <summary><c>study trials ID [--state S] [--json]</c>.</summary>
    public static Command CreateTrials()
    {
        var id = new Argument<string>("id") { Description = "Study id" };
        var storage = StorageOption.Create();
        var node = StudyCommand.NodeOption();
        var state = new Option<string?>("--state")
        {
            Description = "Only trials in this state (complete, failed, pruned, paused, cancelled, running, queued, " +
                          "waiting)",
        };
        var json = new Option<bool>("--json") { Description = "Print the trials' JSON documents as one array" };
        var command = new Command("trials", "List a study's trials") { id, storage, node, state, json };
        command.SetAction((r, ct) =>
        {
            var wanted = r.GetValue(state)?.ToLowerInvariant();
            if (wanted is not null && !States.Contains(wanted))
            {
                Console.Error.WriteLine(
                    $"error: --state: unknown state '{wanted}'; known: {string.Join(", ", States)}");
                return Task.FromResult(ExitCodes.BadInput);
            }
            return StudyCommand.WithReport(r.GetValue(node), r.GetValue(storage), r.GetValue(id)!, includeTrials: true,
                ct, report =>
                {
                    var trials = (report.Trials ?? Array.Empty<TrialRecord>())
                        .Where(t => wanted is null || StudyExport.StateOf(report, t) == wanted).ToList();
                    if (r.GetValue(json))
                    {
                        var all = JsonDocument.Parse(StudyJson.ToJson(report, includeTrials: true))
                            .RootElement.GetProperty("trialList").EnumerateArray()
                            .Where(t => wanted is null || t.GetProperty("state").GetString() == wanted);
                        Console.Out.WriteLine("[" + string.Join(",\n", all.Select(t => t.GetRawText())) + "]");
                        return ExitCodes.Ok;
                    }
                    WriteTable(report, trials, Console.Out);
                    return ExitCodes.Ok;
                });
        });
        return command;
    }

    /// <summary><c>study best ID [--json]</c>: the best trial, or a multi-objective study's Pareto front.</summary>
    public static Command CreateBest()
    {
        var id = new Argument<string>("id") { Description = "Study id" };
        var storage = StorageOption.Create();
        var node = StudyCommand.NodeOption();
        var json = new Option<bool>("--json") { Description = "Print JSON: the document's \"best\"" };
        var command = new Command("best", "Show a study's best trial (its Pareto front with several objectives)")
        {
            id, storage, node, json,
        };
        command.SetAction((r, ct) => StudyCommand.WithReport(r.GetValue(node), r.GetValue(storage), r.GetValue(id)!,
            includeTrials: false, ct, report =>
            {
                var p = report.Progress;
                if (r.GetValue(json))
                {
                    var best = JsonDocument.Parse(StudyJson.ToJson(report, false)).RootElement.GetProperty("best");
                    Console.Out.WriteLine(best.GetRawText());
                    return p.Best is null && p.Front is not { Count: > 0 } ? ExitCodes.Failed : ExitCodes.Ok;
                }
                if (p.Front is { } front && p.Objectives is { } objectives)
                {
                    if (front.Count == 0) return NoneCompleted(p.StudyId);
                    foreach (var m in front)
                        Console.Out.WriteLine($"#{m.Number} " + string.Join(", ",
                            objectives.Select(o => $"{o.Name} = {ProgressView.Format(m.Values[o.Name])}")) +
                            $"  {m.Params}");
                    return ExitCodes.Ok;
                }
                if (p.Best is not { } b) return NoneCompleted(p.StudyId);
                Console.Out.WriteLine($"#{b.Number} {p.Metric} = {ProgressView.Format(b.Value)}  {b.Params}");
                return ExitCodes.Ok;
            }));
        return command;
    }

    /// <summary><c>study export ID (--csv | --jsonl) [--out FILE]</c>.</summary>
    public static Command CreateExport()
    {
        var id = new Argument<string>("id") { Description = "Study id" };
        var storage = StorageOption.Create();
        var node = StudyCommand.NodeOption();
        var csv = new Option<bool>("--csv")
        {
            Description = "One row per trial: number, state, value, start, end, duration, params_*, metrics_*",
        };
        var jsonl = new Option<bool>("--jsonl") { Description = "One JSON document per trial and line" };
        var output = new Option<FileInfo?>("--out") { Description = "Write to this file instead of standard output" };
        var command = new Command("export", "Export a study's trials as CSV or JSON lines")
        {
            id, storage, node, csv, jsonl, output,
        };
        command.SetAction((r, ct) =>
        {
            if (r.GetValue(csv) == r.GetValue(jsonl))
            {
                Console.Error.WriteLine("error: give exactly one of --csv and --jsonl");
                return Task.FromResult(ExitCodes.BadInput);
            }
            return StudyCommand.WithReport(r.GetValue(node), r.GetValue(storage), r.GetValue(id)!, includeTrials: true,
                ct, report =>
                {
                    var text = r.GetValue(csv) ? StudyExport.Csv(report) : StudyExport.JsonLines(report);
                    if (r.GetValue(output) is { } file)
                    {
                        try
                        {
                            File.WriteAllText(file.FullName, text);
                        }
                        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                        {
                            Console.Error.WriteLine($"error: cannot write {file.FullName}: {e.Message}");
                            return ExitCodes.Failed;
                        }
                        Console.Error.WriteLine($"wrote {report.Trials?.Count ?? 0} trials to {file.FullName}");
                    }
                    else
                    {
                        Console.Out.Write(text);
                    }
                    return ExitCodes.Ok;
                });
        });
        return command;
    }

    private static readonly string[] States =
        { "complete", "failed", "pruned", "paused", "cancelled", "running", "queued", "waiting" };

    private static int NoneCompleted(string studyId)
    {
        Console.Error.WriteLine($"study {studyId}: no trial completed yet");
        return ExitCodes.Failed;
    }

    private static void WriteTable(StudyProtocol.StudyReport report, IReadOnlyList<TrialRecord> trials,
        TextWriter output)
    {
        if (trials.Count == 0)
        {
            Console.Error.WriteLine("no trials");
            return;
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        var table = new Table().Border(TableBorder.Rounded)
            .Title(Markup.Escape($"study {report.Progress.StudyId}: {trials.Count} trials"));
        table.AddColumn("#");
        table.AddColumn("state");
        table.AddColumn(new TableColumn(Markup.Escape(report.Progress.Metric)).RightAligned());
        table.AddColumn(new TableColumn("step").RightAligned());
        table.AddColumn(new TableColumn("seconds").RightAligned());
        // One column of name=value pairs: it wraps between parameters on a narrow terminal.
        table.AddColumn("parameters");
        foreach (var t in trials)
            table.AddRow(Markup.Escape(t.Number.ToString(CultureInfo.InvariantCulture)),
                Markup.Escape(StudyExport.StateOf(report, t)),
                t.Value is { } v ? Markup.Escape(ProgressView.Format(v)) : "-",
                Markup.Escape(StudyReportWriter.LastStep(t)),
                StudyExport.Duration(t) is { } d ? d.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) : "-",
                Markup.Escape(string.Join("  ", t.Params.Select(p => $"{p.Key}={ParameterValues.Format(p.Value)}"))));
        console.Write(table);
    }

}
