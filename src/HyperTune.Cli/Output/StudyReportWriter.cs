using HyperTune.Cluster.Studies;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;
using Spectre.Console;

namespace HyperTune.Cli.Output;

/// <summary>Prints a study's outcome for people: a summary, the best trial and a table of the top trials.</summary>
internal static class StudyReportWriter
{
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
