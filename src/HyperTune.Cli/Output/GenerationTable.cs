using System.Globalization;
using HyperTune.Core.Optimizers.Evolution;
using Spectre.Console;

namespace HyperTune.Cli.Output;

/// <summary>
/// The generations of an evolutionary study (members, completed, best and mean value), as the coordinator reports
/// them (<see cref="Cluster.Studies.StudyProtocol.StudyReport.Generations"/>).
/// </summary>
internal static class GenerationTable
{
    /// <summary>Generations shown: the first and the latest ones of a long study.</summary>
    public const int MaxRows = 12;

    /// <summary>A table with one row per generation (the first and the latest of many); null without generations.</summary>
    public static Table? Render(IReadOnlyList<GenerationSummary>? generations)
    {
        if (generations is not { Count: > 0 }) return null;
        var shown = Shown(generations);
        var table = new Table().Border(TableBorder.Rounded)
            .Title(shown.Count < generations.Count ? $"Generations (first and last {shown.Count - 1} of {generations.Count})" : "Generations");
        table.AddColumn(new TableColumn("generation").RightAligned());
        table.AddColumn(new TableColumn("members").RightAligned());
        table.AddColumn(new TableColumn("complete").RightAligned());
        table.AddColumn(new TableColumn("best").RightAligned());
        table.AddColumn(new TableColumn("mean").RightAligned());
        foreach (var g in shown)
            table.AddRow(g.Generation.ToString(CultureInfo.InvariantCulture), g.Size.ToString(CultureInfo.InvariantCulture),
                g.Complete.ToString(CultureInfo.InvariantCulture),
                g.Best is { } best ? ProgressView.Format(best) : "-", g.Mean is { } mean ? ProgressView.Format(mean) : "-");
        return table;
    }

    /// <summary>All generations when few; else the first and the latest <see cref="MaxRows"/> - 1.</summary>
    public static IReadOnlyList<T> Shown<T>(IReadOnlyList<T> generations) =>
        generations.Count <= MaxRows ? generations : generations.Take(1).Concat(generations.TakeLast(MaxRows - 1)).ToList();
}
