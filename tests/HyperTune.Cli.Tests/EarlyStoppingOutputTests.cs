using System.Collections.Immutable;
using System.Text.Json.Nodes;
using HyperTune.Cli.Output;
using HyperTune.Cluster.Api;
using HyperTune.Cluster.Studies;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;

namespace HyperTune.Cli.Tests;

/// <summary>
/// What `run` and `study show` print about early stopping: paused and pruned counts, steps spent, each trial's last
/// step and the rung table (from a hand-made rung list: the real schedulers live in another part).
/// </summary>
public sealed class EarlyStoppingOutputTests
{
    // A hand-made successive-halving study: 9 trials at step 1, 3 of them went on to step 3, 1 to step 9 (complete).
    private static readonly IReadOnlyList<RungSummary> Rungs = new[]
    {
        new RungSummary(0, 1, 3, 3, 1, 0.75),
        new RungSummary(0, 0, 1, 9, 3, 1.25),
        new RungSummary(1, 0, 3, 2, 0, null),
        new RungSummary(0, 2, 9, 1, 0, 0.5),
    };

    private static TrialRecord Trial(int number, TrialState state, params (long Step, double Value)[] reports) =>
        new(number, state, Configuration.From(new[] { new KeyValuePair<string, object>("x", 0.1 * number) }))
        {
            Value = state == TrialState.Complete ? reports[^1].Value : null,
            Intermediate = reports.Select(r => new IntermediateValue(r.Step, r.Value)).ToImmutableList(),
        };

    private static StudyProtocol.StudyReport Report()
    {
        var trials = new List<TrialRecord>
        {
            Trial(0, TrialState.Complete, (1, 1.25), (3, 0.75), (9, 0.5)),
            Trial(1, TrialState.Pruned, (1, 2.0)),
            Trial(2, TrialState.Pruned, (1, 2.5)),
            Trial(3, TrialState.Paused, (1, 1.5), (3, 0.9)),
            Trial(4, TrialState.Paused, (1, 1.75), (3, 1.0)),
            Trial(5, TrialState.Running, (1, 1.4)) with { StopAtStep = 3 },
        };
        var steps = trials.Sum(t => t.LastIntermediate?.Step ?? 0);
        var progress = new StudyProgress("sh", "sh", StudyStatus.Running, null, StudyDirection.Minimize, "loss",
            9, 2, 1, 0, 2, 1, 0, new TrialSummary(0, 0.5, trials[0].Params), DateTimeOffset.UnixEpoch, null)
        {
            Paused = 2,
            Steps = steps,
        };
        return new StudyProtocol.StudyReport(progress, trials);
    }

    private static string Render(StudyProtocol.StudyReport report, IReadOnlyList<RungSummary>? rungs)
    {
        var output = new StringWriter();
        StudyReportWriter.WriteHuman(report with { Rungs = rungs }, output);
        return output.ToString();
    }

    private static string Json(StudyProtocol.StudyReport report, bool includeTrials,
        IReadOnlyList<RungSummary>? rungs) =>
        StudyJson.ToJson(report with { Rungs = rungs }, includeTrials);

    /// <summary>The trimmed cells of every table row (lines with box-drawing column borders).</summary>
    private static IReadOnlyList<IReadOnlyList<string>> Rows(string text) =>
        text.Split('\n').Where(l => l.Contains('│'))
            .Select(l => (IReadOnlyList<string>)l.Split('│', StringSplitOptions.RemoveEmptyEntries).Select(c => c.Trim()).ToList())
            .ToList();

    [Fact]
    public void The_human_report_counts_paused_and_pruned_trials_and_the_steps_spent()
    {
        var report = Report();
        var text = Render(report, Rungs);

        Assert.Contains($"{report.Progress.Pruned} pruned, {report.Progress.Paused} paused", text);
        Assert.Contains($"{report.Progress.Steps} training steps spent", text);
        // Where early stopping stopped them: both pruned at step 1, both paused at step 3.
        Assert.Contains("paused: 2 at step 3", text);
        Assert.Contains("pruned: 2 at step 1", text);
    }

    [Fact]
    public void The_rung_table_has_one_row_per_rung_ordered_by_bracket_and_rung()
    {
        var text = Render(Report(), Rungs);

        var header = Rows(text).First(r => r.Contains("bracket"));
        Assert.Equal(new[] { "bracket", "rung", "step", "trials", "promoted", "best" }, header);
        var rows = Rows(text).SkipWhile(r => !r.Contains("bracket")).Skip(1).ToList();
        var expected = Rungs.OrderBy(r => r.Bracket).ThenBy(r => r.Rung).Select(r => new[]
        {
            r.Bracket.ToString(), r.Rung.ToString(), r.Step.ToString(), r.Trials.ToString(), r.Promoted.ToString(),
            r.BestValue is { } b ? ProgressView.Format(b) : "-",
        }).ToList();
        Assert.Equal(expected, rows);
    }

    [Fact]
    public void Without_rungs_no_rung_table_is_printed()
    {
        Assert.DoesNotContain("Rungs", Render(Report(), Array.Empty<RungSummary>()));
        Assert.DoesNotContain("Rungs", Render(Report(), null));
    }

    [Fact]
    public void The_top_trials_table_shows_each_trials_last_step()
    {
        var report = Report();
        var text = Render(report, null);

        var header = Rows(text).First(r => r.Contains("loss"));
        var stepColumn = header.ToList().IndexOf("step");
        Assert.True(stepColumn > 0, string.Join(" | ", header));
        var complete = report.Trials!.Single(t => t.State == TrialState.Complete);
        var row = Rows(text).Single(r => r[0] == complete.Number.ToString());
        Assert.Equal(complete.LastIntermediate!.Step.ToString(), row[stepColumn]);
    }

    [Fact]
    public void The_progress_line_counts_paused_trials_and_steps()
    {
        var p = Report().Progress;
        var line = ProgressView.Describe(p);
        Assert.Contains($"pruned {p.Pruned}, paused {p.Paused}", line);
        Assert.Contains($"{p.Steps} steps", line);
        // A study whose trials report no steps says nothing about them.
        Assert.DoesNotContain("steps", ProgressView.Describe(p with { Steps = 0, Paused = 0 }));
    }

    [Fact]
    public void A_stop_at_the_last_step_is_the_end_of_the_run_and_is_not_shown_as_a_pause()
    {
        var report = Report();
        var trials = report.Trials!.ToList();
        trials[5] = trials[5] with { StopAtStep = 9 };
        var atEnd = report with { Trials = trials, FinalStep = 9 };

        var json = JsonNode.Parse(Json(atEnd, includeTrials: true, null))!;
        Assert.Equal(9, (long)json["finalStep"]!);
        Assert.Null(json["trialList"]!.AsArray().Single(n => (int)n!["number"]! == 5)!["stopAtStep"]);
        // Below the last step it is a pause, and said so.
        var belowEnd = JsonNode.Parse(Json(report with { FinalStep = 9 }, includeTrials: true, null))!;
        Assert.Equal(3, (long)belowEnd["trialList"]!.AsArray().Single(n => (int)n!["number"]! == 5)!["stopAtStep"]!);
    }

    [Fact]
    public void The_json_document_has_paused_steps_stop_steps_and_the_rungs()
    {
        var report = Report();
        var json = JsonNode.Parse(Json(report, includeTrials: true, Rungs))!;

        Assert.Equal(report.Progress.Paused, (int)json["trials"]!["paused"]!);
        Assert.Equal(report.Progress.Pruned, (int)json["trials"]!["pruned"]!);
        Assert.Equal(report.Progress.Steps, (long)json["steps"]!);
        var list = json["trialList"]!.AsArray();
        foreach (var t in report.Trials!)
        {
            var node = list.Single(n => (int)n!["number"]! == t.Number)!;
            Assert.Equal(t.State.ToString().ToLowerInvariant(), (string?)node["state"]);
            Assert.Equal(t.LastIntermediate!.Step, (long)node["lastStep"]!);
            Assert.Equal(t.StopAtStep, (long?)node["stopAtStep"]);
        }
        var rungs = json["rungs"]!.AsArray();
        var expected = Rungs.OrderBy(r => r.Bracket).ThenBy(r => r.Rung).ToList();
        Assert.Equal(expected.Count, rungs.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            var r = rungs[i]!;
            Assert.Equal(expected[i], new RungSummary((int)r["bracket"]!, (int)r["rung"]!, (long)r["step"]!,
                (int)r["trials"]!, (int)r["promoted"]!, (double?)r["bestValue"]));
        }
    }

    [Fact]
    public void Study_show_from_a_nodes_document_prints_paused_trials_steps_and_the_rung_table()
    {
        var report = Report();
        var doc = JsonNode.Parse(Json(report, includeTrials: true, Rungs))!;
        var output = new StringWriter();
        Commands.StudyCommand.PrintSummary(doc, output);
        var text = output.ToString();

        Assert.Contains($"{report.Progress.Pruned} pruned, {report.Progress.Paused} paused", text);
        Assert.Contains($"{report.Progress.Steps} training steps spent", text);
        var paused = report.Trials!.Where(t => t.State == TrialState.Paused)
            .Select(t => $"#{t.Number} at step {t.LastIntermediate!.Step}");
        Assert.Contains("paused trials: " + string.Join(", ", paused), text);
        var running = report.Trials!.Single(t => t.State == TrialState.Running);
        Assert.Contains($"#{running.Number} running (not dispatched yet), step {running.LastIntermediate!.Step}, " +
                        $"pauses at step {running.StopAtStep}", text);
        var rows = Rows(text).SkipWhile(r => !r.Contains("bracket")).Skip(1).ToList();
        Assert.Equal(Rungs.Count, rows.Count);
        Assert.Equal(Rungs.Min(r => r.Bracket).ToString(), rows[0][0]);
    }

    [Fact]
    public void Study_show_from_a_document_without_early_stopping_fields_prints_no_paused_count_and_no_rungs()
    {
        var doc = JsonNode.Parse(Json(Report(), includeTrials: false, rungs: null))!.AsObject();
        doc["trials"]!.AsObject().Remove("paused");
        doc.Remove("steps");
        var output = new StringWriter();
        Commands.StudyCommand.PrintSummary(doc, output);
        var text = output.ToString();
        Assert.DoesNotContain("paused", text);
        Assert.DoesNotContain("steps", text);
        Assert.DoesNotContain("bracket", text);
        Assert.Contains("2 pruned, 1 running", text);
    }

    [Fact]
    public void The_json_document_leaves_rungs_out_when_the_scheduler_is_unknown()
    {
        var json = JsonNode.Parse(Json(Report(), includeTrials: false, rungs: null))!.AsObject();
        Assert.False(json.ContainsKey("rungs"));
        Assert.False(json.ContainsKey("trialList"));
        Assert.True(json.ContainsKey("steps"));
    }

    [Fact]
    public void A_scheduler_without_rungs_gives_an_empty_rung_array()
    {
        var json = JsonNode.Parse(Json(Report(), includeTrials: false, Array.Empty<RungSummary>()))!.AsObject();
        Assert.Empty(json["rungs"]!.AsArray());
    }
}
