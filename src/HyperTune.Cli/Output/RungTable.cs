using System.Globalization;
using HyperTune.Core.Schedulers;
using Spectre.Console;

namespace HyperTune.Cli.Output;

/// <summary>
/// The rungs of a successive-halving or Hyperband study (trials, promotions and best value per bracket and rung), as
/// the study's coordinator reports them (<see cref="Cluster.Studies.StudyProtocol.StudyReport.Rungs"/>).
/// </summary>
internal static class RungTable
{
    /// <summary>A table with one row per rung, ordered by bracket then rung; null when there are no rungs.</summary>
    public static Table? Render(IReadOnlyList<RungSummary>? rungs)
    {
        if (rungs is not { Count: > 0 }) return null;
        var table = new Table().Border(TableBorder.Rounded).Title("Rungs");
        table.AddColumn(new TableColumn("bracket").RightAligned());
        table.AddColumn(new TableColumn("rung").RightAligned());
        table.AddColumn(new TableColumn("step").RightAligned());
        table.AddColumn(new TableColumn("trials").RightAligned());
        table.AddColumn(new TableColumn("promoted").RightAligned());
        table.AddColumn(new TableColumn("best").RightAligned());
        foreach (var r in rungs.OrderBy(r => r.Bracket).ThenBy(r => r.Rung))
        {
            table.AddRow(Number(r.Bracket), Number(r.Rung), Number(r.Step), Number(r.Trials), Number(r.Promoted),
                r.BestValue is { } best ? ProgressView.Format(best) : "-");
        }
        return table;
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
