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
                           (p.Cancelled > 0 ? $", {p.Cancelled} cancelled" : "") +
                           (p.Running + p.Queued + p.Waiting > 0 ? $", {p.Running + p.Queued + p.Waiting} unfinished" : ""));
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
            // One row of cells per trial: number, metric, then each parameter.
            var cells = ranked.Select(t => new[] { t.Number.ToString(), ProgressView.Format(t.Value!.Value) }
                .Concat(names.Select(n => t.Params.TryGetValue(n, out var v) ? ParameterValues.Format(v) : "-")).ToArray()).ToList();
            var table = new Table().Border(TableBorder.Rounded).Title($"Top {ranked.Count} trials");
            table.AddColumn("#");
            table.AddColumn(new TableColumn(Markup.Escape(p.Metric)).RightAligned());
            if (TableWidth(new[] { "#", p.Metric }.Concat(names).ToList(), cells) <= console.Profile.Width)
            {
                foreach (var n in names) table.AddColumn(new TableColumn(Markup.Escape(n)).RightAligned());
                foreach (var r in cells) table.AddRow(r.Select(Markup.Escape).ToArray());
            }
            else
            {
                // Too wide for one column per parameter: Spectre would squeeze the columns and split numbers across
                // lines. One column of name=value pairs wraps between parameters instead.
                table.AddColumn("parameters");
                foreach (var r in cells)
                    table.AddRow(r[0], r[1], Markup.Escape(string.Join("  ", names.Select((n, i) => $"{n}={r[i + 2]}"))));
            }
            console.Write(table);
        }

        var failures = trials.Where(t => t.State == TrialState.Failed).TakeLast(3).ToList();
        foreach (var f in failures)
            console.MarkupLine($"[red]Trial #{f.Number} failed[/]: {Markup.Escape(FirstLines(f.FailureReason ?? "", 4))}");
    }

    /// <summary>Width of a rounded-border table whose columns are as wide as their widest cell.</summary>
    private static int TableWidth(IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows) =>
        1 + headers.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length)) + 3).Sum();

    private static string FirstLines(string text, int n) => string.Join("\n    ", text.Split('\n').Take(n));
}
