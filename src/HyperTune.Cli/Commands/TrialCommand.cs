using System.CommandLine;
using System.Globalization;
using HyperTune.Cli.Output;
using HyperTune.Cluster.Api;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;

namespace HyperTune.Cli.Commands;

/// <summary>The <c>hypertune trial</c> palette: one trial of a study.</summary>
internal static class TrialCommand
{
    public static Command Create()
    {
        var command = new Command("trial", "Inspect trials");
        var study = new Argument<string>("study") { Description = "Study id" };
        var number = new Argument<int>("number") { Description = "Trial number" };
        var storage = StorageOption.Create();
        var node = StudyCommand.NodeOption();
        var json = new Option<bool>("--json") { Description = "Print the trial's document (with intermediate values)" };
        var show = new Command("show", "One trial: state, value, parameters, metrics, times, where it ran, its " +
                                       "failure and learning curve")
        {
            study, number, storage, node, json,
        };
        show.SetAction((r, ct) => StudyCommand.WithReport(r.GetValue(node), r.GetValue(storage), r.GetValue(study)!,
            includeTrials: true, ct, report =>
            {
                var n = r.GetValue(number);
                if (report.Trials?.FirstOrDefault(t => t.Number == n) is not { } trial)
                {
                    Console.Error.WriteLine($"error: study {report.Progress.StudyId} has no trial {n} " +
                                            $"(it has {report.Trials?.Count ?? 0})");
                    return ExitCodes.Failed;
                }
                if (r.GetValue(json)) Console.Out.WriteLine(StudyJson.TrialToJson(report, trial));
                else Write(report, trial, Console.Out);
                return ExitCodes.Ok;
            }));
        command.Subcommands.Add(show);
        return command;
    }

    internal static void Write(Cluster.Studies.StudyProtocol.StudyReport report, TrialRecord t, TextWriter output)
    {
        var state = StudyExport.StateOf(report, t);
        output.WriteLine($"trial #{t.Number} of study {report.Progress.StudyId}: {state}" +
                         (t.Value is { } v ? $", {report.Progress.Metric} = {ProgressView.Format(v)}" : ""));
        output.WriteLine("  params: " +
                         string.Join("  ", t.Params.Select(p => $"{p.Key}={ParameterValues.Format(p.Value)}")));
        if (!t.Metrics.IsEmpty)
            output.WriteLine("  metrics: " + string.Join("  ", t.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal)
                .Select(m => $"{m.Key}={ProgressView.Format(m.Value)}")));
        if (t.StartedAt is { } start)
            output.WriteLine($"  started {start.ToUniversalTime():yyyy-MM-dd HH:mm:ss.fff}Z" +
                             (t.FinishedAt is { } end
                                 ? $", finished {end.ToUniversalTime():HH:mm:ss.fff}Z " +
                                   $"({(end - start).TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s)"
                                 : ""));
        if (report.RunningOn?.TryGetValue(t.Number, out var worker) == true)
            output.WriteLine($"  on {worker.Split('#')[0]}, dispatch {report.Dispatches?.GetValueOrDefault(t.Number)}");
        if (report.Parts?.TryGetValue(t.Number, out var parts) == true)
            output.WriteLine($"  parts: {parts.Done} of {parts.Count} done" + (parts.Nodes.Count == 0 ? ""
                : $", {parts.Nodes.Count} running on {string.Join(", ", parts.Nodes.Select(n => n.Split('#')[0]))}"));
        if (!t.Attributes.IsEmpty)
            output.WriteLine("  attributes: " + string.Join("  ",
                t.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}")));
        foreach (var entry in t.Lineage)
            output.WriteLine(
                $"  step {entry.Step}: continued from trial #{entry.Donor}'s checkpoint with {entry.After}");
        if (!t.Intermediate.IsEmpty)
        {
            // The curve's shape in a line: first, a few in between, last.
            var points = t.Intermediate.Count <= 8
                ? t.Intermediate
                : t.Intermediate.Where((_, i) => i % (t.Intermediate.Count / 6) == 0).Append(t.Intermediate[^1])
                    .Distinct();
            output.WriteLine($"  {t.Intermediate.Count} intermediate values: " +
                             string.Join(", ", points.Select(p => $"{p.Step}: {ProgressView.Format(p.Value)}")));
        }
        if (t.FailedAttempts > 0) output.WriteLine($"  {t.FailedAttempts} failed attempt(s)");
        if (t.FailureReason is { } reason) output.WriteLine("  failure: " + reason.Replace("\n", "\n    "));
    }
}
