using System.Collections.Immutable;
using HyperTune.Cli.Output;
using HyperTune.Cluster.Studies;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;

namespace HyperTune.Cli.Tests;

/// <summary>The human report printed by `run` and `study show`, rendered to a writer (80 columns, as when piped).</summary>
public sealed class StudyReportWriterTests
{
    private static StudyProtocol.StudyReport Report(int parameters, int trials)
    {
        var records = Enumerable.Range(0, trials).Select(i =>
        {
            var config = Configuration.From(Enumerable.Range(0, parameters)
                .Select(p => new KeyValuePair<string, object>($"x{p}", 0.1234567 + 0.0101 * i + 0.1 * p)));
            return new TrialRecord(i, TrialState.Complete, config) { Value = -3.3223 + 0.0123457 * i };
        }).ToList();
        var best = records[0];
        var progress = new StudyProgress("s", "s", StudyStatus.Finished, "budget", StudyDirection.Minimize, "value",
            trials, 1, trials, 0, 0, 0, 0, new TrialSummary(best.Number, best.Value!.Value, best.Params),
            DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
        return new StudyProtocol.StudyReport(progress, records);
    }

    private static string Render(StudyProtocol.StudyReport report)
    {
        var output = new StringWriter();
        StudyReportWriter.WriteHuman(report, output);
        return output.ToString();
    }

    [Fact]
    public void A_wide_space_keeps_every_number_of_the_top_trials_on_one_line()
    {
        var report = Report(parameters: 6, trials: 12);
        var text = Render(report);

        foreach (var trial in report.Trials!.Take(10))
        {
            Assert.Contains(ProgressView.Format(trial.Value!.Value), text);
            foreach (var (name, value) in trial.Params)
                Assert.Contains($"{name}={ParameterValues.Format(value)}", text);
        }
        Assert.All(text.Split('\n'), line => Assert.True(line.TrimEnd().Length <= 80, $"line wider than 80: {line}"));
    }

    [Fact]
    public void A_narrow_space_gets_one_column_per_parameter()
    {
        var report = Report(parameters: 2, trials: 3);
        var text = Render(report);

        var header = text.Split('\n').First(l => l.Contains('│') && l.Contains("value"));
        Assert.Contains("x0", header);
        Assert.Contains("x1", header);
        foreach (var trial in report.Trials!)
        foreach (var value in trial.Params.Values)
            Assert.Contains(ParameterValues.Format(value), text);
        Assert.DoesNotContain("parameters", header);
    }

    [Theory]
    [InlineData(StudyDirection.Minimize)]
    [InlineData(StudyDirection.Maximize)]
    public void The_summary_from_the_trials_it_picks_is_the_summary_from_every_trial(StudyDirection direction)
    {
        var states = new[] { TrialState.Complete, TrialState.Pruned, TrialState.Complete, TrialState.Failed, TrialState.Complete, TrialState.Running };
        var records = Enumerable.Range(0, 60).Select(i => new TrialRecord(i, states[i % states.Length],
            Configuration.From(new Dictionary<string, object> { ["x"] = 0.5 + i }))
        {
            // Values spread so the best are neither the first nor the last trials.
            Value = states[i % states.Length] is TrialState.Complete or TrialState.Pruned ? Math.Sin(i) : null,
            Intermediate = states[i % states.Length] == TrialState.Pruned
                ? ImmutableList.Create(new IntermediateValue(1 + i % 4, Math.Sin(i)))
                : ImmutableList<IntermediateValue>.Empty,
            FailureReason = states[i % states.Length] == TrialState.Failed ? $"crash {i}" : null,
        }).ToList();
        var full = Report(parameters: 1, trials: 1) with { Trials = records };
        full = full with { Progress = full.Progress with { Direction = direction, Complete = 30, Pruned = 10, Failed = 10 } };

        var rows = Cluster.Views.StudyViewProjection.Trials(full, records, 1);
        var picked = StudyReportWriter.SummaryTrials(full.Progress, rows).Select(t => t.Number).ToHashSet();
        var summary = full with { Trials = records.Where(t => picked.Contains(t.Number)).ToList() };

        // The 30 trials that are not complete and the best 10 of the 30 complete ones.
        Assert.Equal(40, picked.Count);
        Assert.Equal(Render(full), Render(summary));
    }
}
