using System.Text.Json.Nodes;
using HyperTune.Cluster.Api;
using HyperTune.Cluster.Views;
using HyperTune.Cluster.Studies;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;
using Spectre.Console;

namespace HyperTune.Cli.Output;

/// <summary>Prints a study's outcome for people: a summary, the best trial and a table of the top trials.</summary>
internal static class StudyReportWriter
{
    // Distinct stopping steps listed one by one on the paused and pruned lines; more are shown as a range.
    private const int MaxStepGroups = 6;

    /// <summary>
    /// Writes the human summary: outcome, counts (with paused trials and training steps spent), best trial, a table of
    /// the top trials (with each one's last step when trials report steps), the scheduler's rungs when the report
    /// has any (<see cref="StudyProtocol.StudyReport.Rungs"/>), and recent failures.
    /// </summary>
    public static void WriteHuman(StudyProtocol.StudyReport report, TextWriter output, int top = 10,
        TimeSpan? elapsed = null)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        var p = report.Progress;
        var trials = report.Trials ?? Array.Empty<TrialRecord>();
        var status = p.Status == StudyStatus.Finished ? $"finished: {Markup.Escape(p.FinishReason ?? "")}"
            : p.PauseReason is { } held ? $"is paused: {Markup.Escape(held)} (nothing new starts until it is resumed)"
            : "is running";
        console.MarkupLine($"[bold]Study {Markup.Escape(p.StudyId)}[/] {status}");
        var took = elapsed is { } e ? $" in {e.TotalSeconds:0.0}s" : "";
        console.MarkupLine($"{p.Done} of {p.MaxTrials} trials done{took}: {p.Complete} complete, {p.Failed} failed, {p.Pruned} pruned" +
                           (p.Paused > 0 ? $", {p.Paused} paused" : "") +
                           (p.Cancelled > 0 ? $", {p.Cancelled} cancelled" : "") +
                           (p.Running + p.Queued + p.Waiting > 0 ? $", {p.Running + p.Queued + p.Waiting} unfinished" : ""));
        // The resource early stopping saves: steps trained, summed over trials.
        if (p.Steps > 0) console.MarkupLine($"{p.Steps} training steps spent");
        if (p.Front is { } paretoFront)
        {
            console.MarkupLine(paretoFront.Count == 0
                ? "[yellow]No trial completed with every objective.[/]"
                : $"[green]Pareto front[/]: {paretoFront.Count} trial(s) no other trial beats in every objective");
        }
        else if (p.Best is { } best)
        {
            console.MarkupLine($"[green]Best trial #{best.Number}[/]: {Markup.Escape(p.Metric)} = [bold]{ProgressView.Format(best.Value)}[/] ({p.Direction.ToString().ToLowerInvariant()})");
            console.MarkupLine($"  {Markup.Escape(best.Params.ToString())}");
            if (report.BestSchedule is not null)
                // Plain lines: the console would wrap the configurations' JSON at its width.
                foreach (var line in PopulationScheduleView.Lines(JsonNode.Parse(StudyJson.ToJson(report, false))!))
                    output.WriteLine(line);
        }
        else
        {
            console.MarkupLine("[yellow]No trial completed.[/]");
        }

        // A step column only when trials report steps: a single-step function's column would say nothing.
        var steps = trials.Any(t => t.LastIntermediate is not null);
        if (p.Front is { } front && p.Objectives is { } objectives)
        {
            // Several objectives: the best is the Pareto front, one column per objective.
            var byNumber = trials.ToDictionary(t => t.Number);
            var rows = front.OrderBy(m => objectives[0].Loss(m.Values[objectives[0].Name])).ThenBy(m => m.Number).Select(m => new TrialRow(m.Number, objectives.Select(o => ProgressView.Format(m.Values[o.Name])).ToArray(),
                byNumber.TryGetValue(m.Number, out var t) ? LastStep(t) : "-", m.Params)).ToList();
            WriteTrialTable(console, $"Pareto front ({rows.Count} trials)", objectives.Select(o => $"{o.Name} ({Arrow(o.Direction)})").ToArray(),
                rows, steps);
        }
        else
        {
            var history = new TrialHistory(trials, new[] { new ObjectiveMetric(p.Metric, p.Direction) },
                p.Constraints ?? Array.Empty<MetricConstraint>());
            // Feasible trials first: an infeasible one is no candidate, however good its value.
            var ranked = history.Completed.OrderBy(history.Violation)
                .ThenBy(t => history.Loss(t)).ThenBy(t => t.Number).Take(top).ToList();
            var rows = ranked.Select(t => new TrialRow(t.Number,
                new[] { ProgressView.Format(t.Value!.Value) + (history.IsFeasible(t) ? "" : " (infeasible)") }, LastStep(t), t.Params)).ToList();
            WriteTrialTable(console, $"Top {ranked.Count} trials", new[] { p.Metric }, rows, steps);
        }
        if (GenerationTable.Render(report.Generations) is { } generationTable) console.Write(generationTable);

        if (RungTable.Render(report.Rungs) is { } rungTable) console.Write(rungTable);
        WritePausedAndPruned(console, trials);

        var failures = trials.Where(t => t.State == TrialState.Failed).TakeLast(3).ToList();
        foreach (var f in failures)
            console.MarkupLine($"[red]Trial #{f.Number} failed[/]: {Markup.Escape(FirstLines(f.FailureReason ?? "", 4))}");
    }

    /// <summary>
    /// The trials <see cref="WriteHuman"/> needs, chosen by the read model's rows so a large study's other documents
    /// are never parsed: every trial that is not complete (failures, paused and pruned ones are summed up) and the
    /// best <paramref name="top"/> completed ones by value; every completed one when constraints or several
    /// objectives rank them.
    /// </summary>
    public static IEnumerable<TrialView> SummaryTrials(StudyProgress p, IReadOnlyList<TrialView> trials, int top = 10)
    {
        if (p.Constraints is not null || p.Objectives is not null) return trials;
        var sign = p.Direction == StudyDirection.Minimize ? 1.0 : -1.0;
        var best = trials.Where(t => t.State == CompleteState && t.Value is not null)
            .OrderBy(t => sign * t.Value!.Value).ThenBy(t => t.Number).Take(top);
        return trials.Where(t => t.State != CompleteState).Concat(best).OrderBy(t => t.Number);
    }

    private static readonly string CompleteState = TrialState.Complete.ToString().ToLowerInvariant();

    /// <summary>One row of a trial table: number, metric cells, last step and configuration.</summary>
    private sealed record TrialRow(int Number, string[] Metrics, string Step, Configuration Params);

    private static string Arrow(StudyDirection direction) => direction == StudyDirection.Minimize ? "min" : "max";

    /// <summary>A table of trials: number, metric columns, last step when trials report steps, then parameters.</summary>
    private static void WriteTrialTable(IAnsiConsole console, string title, string[] metricHeaders, List<TrialRow> rows, bool steps)
    {
        if (rows.Count == 0) return;
        var names = rows.SelectMany(r => r.Params.Keys).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToList();
        var fixedHeaders = new[] { "#" }.Concat(metricHeaders).Concat(steps ? new[] { "step" } : Array.Empty<string>()).ToArray();
        var cells = rows.Select(r => new[] { r.Number.ToString() }.Concat(r.Metrics)
            .Concat(steps ? new[] { r.Step } : Array.Empty<string>())
            .Concat(names.Select(n => r.Params.TryGetValue(n, out var v) ? ParameterValues.Format(v) : "-")).ToArray()).ToList();
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title));
        table.AddColumn("#");
        foreach (var h in metricHeaders) table.AddColumn(new TableColumn(Markup.Escape(h)).RightAligned());
        if (steps) table.AddColumn(new TableColumn("step").RightAligned());
        if (TableWidth(fixedHeaders.Concat(names).ToList(), cells) <= console.Profile.Width)
        {
            foreach (var n in names) table.AddColumn(new TableColumn(Markup.Escape(n)).RightAligned());
            foreach (var r in cells) table.AddRow(r.Select(Markup.Escape).ToArray());
        }
        else
        {
            // Too wide for one column per parameter: Spectre would squeeze the columns and split numbers across
            // lines. One column of name=value pairs wraps between parameters instead.
            table.AddColumn("parameters");
            var first = fixedHeaders.Length;
            foreach (var r in cells)
            {
                var pairs = Markup.Escape(string.Join("  ", names.Select((n, i) => $"{n}={r[i + first]}")));
                table.AddRow(r.Take(first).Select(Markup.Escape).Append(pairs).ToArray());
            }
        }
        console.Write(table);
    }

    /// <summary>
    /// One line each for the paused trials and the pruned ones: how many, and the steps they stopped at, so an operator
    /// sees where early stopping cut trials short.
    /// </summary>
    private static void WritePausedAndPruned(IAnsiConsole console, IReadOnlyList<TrialRecord> trials)
    {
        foreach (var state in new[] { TrialState.Paused, TrialState.Pruned })
        {
            var stopped = trials.Where(t => t.State == state).ToList();
            if (stopped.Count == 0) continue;
            var groups = stopped.GroupBy(t => t.LastIntermediate?.Step ?? 0).OrderBy(g => g.Key).ToList();
            // Rungs give a few steps; a pruner stopping anywhere gives many, summed up by their range.
            var atSteps = groups.Count <= MaxStepGroups
                ? string.Join(", ", groups.Select(g => $"{g.Count()} at step {g.Key}"))
                : $"{stopped.Count} at steps {groups[0].Key} to {groups[^1].Key}";
            console.MarkupLine(Markup.Escape($"{state.ToString().ToLowerInvariant()}: {atSteps}"));
        }
    }

    /// <summary>A trial's last reported step, or "-" before its first report.</summary>
    internal static string LastStep(TrialRecord trial) => trial.LastIntermediate is { } last ? last.Step.ToString() : "-";

    /// <summary>Width of a rounded-border table whose columns are as wide as their widest cell.</summary>
    private static int TableWidth(IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows) =>
        1 + headers.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length)) + 3).Sum();

    private static string FirstLines(string text, int n) => string.Join("\n    ", text.Split('\n').Take(n));
}
