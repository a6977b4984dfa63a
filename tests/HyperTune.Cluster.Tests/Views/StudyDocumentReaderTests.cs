using System.Collections.Immutable;
using HyperTune.Cluster.Api;
using HyperTune.Cluster.Studies;
using HyperTune.Core.Optimizers.Evolution;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;

namespace HyperTune.Cluster.Tests.Views;

/// <summary>Documents read back into reports give the same documents: what the CLI shows from the read model.</summary>
public sealed class StudyDocumentReaderTests
{
    [Fact]
    public void A_study_with_rungs_generations_lineage_and_queued_trials_reads_back_to_the_same_document()
    {
        var report = ViewFixtures.Report("s", 5, finished: true);
        var trials = report.Trials!.ToList();
        trials[2] = trials[2] with
        {
            Lineage = ImmutableList.Create(new LineageEntry(2, 1,
                Configuration.From(new Dictionary<string, object> { ["lr"] = 0.1, ["depth"] = 1L }),
                Configuration.From(new Dictionary<string, object> { ["lr"] = 0.2, ["depth"] = 1L }))),
            Attributes = ImmutableDictionary<string, string>.Empty.Add("generation", "1"),
        };
        trials[3] = trials[3] with { State = TrialState.Failed, Value = null, FailureReason = "exit 1\nstack" };
        report = report with
        {
            Trials = trials,
            // The running trial has not begun on its worker: it shows as queued.
            Executing = new HashSet<int>(),
            Rungs = new[] { new RungSummary(0, 0, 1, 5, 2, 96), new RungSummary(0, 1, 3, 2, 0, null) },
            Generations = new[] { new GenerationSummary(0, 4, 4, 96, 98.5) },
            FinalStep = 9,
            // The running trial runs in parts: two of five done, two running on two nodes.
            Parts = new Dictionary<int, TrialPartsProgress> { [5] = new(5, 2, ["a:1#1", "b:2#2"]) },
        };

        var json = StudyJson.ToJson(report, includeTrials: true);
        var back = StudyDocumentReader.Read(json, null);

        Assert.Equal(json, StudyJson.ToJson(back, includeTrials: true));
        var parts = System.Text.Json.Nodes.JsonNode.Parse(json)!["trialList"]![5]!["parts"]!;
        Assert.Equal("{\"count\":5,\"done\":2,\"nodes\":[\"a:1#1\",\"b:2#2\"]}", parts.ToJsonString());
        Assert.Equal(["a:1#1", "b:2#2"], back.Parts![5].Nodes);
        Assert.Equal(report.Progress.CreatedAt, back.Progress.CreatedAt);
        Assert.Equal(TrialState.Running, back.Trials![5].State);
        Assert.Equal(2, back.Trials[1].LastIntermediate!.Step);
    }

    [Fact]
    public void Trial_documents_with_intermediate_values_give_the_learning_curves_back()
    {
        var report = ViewFixtures.Report("s", 2);
        var study = StudyJson.ToJson(report, includeTrials: false);
        var back = StudyDocumentReader.Read(study, report.Trials!.Select(t => StudyJson.TrialToJson(report, t)));
        Assert.Equal(report.Trials![1].Intermediate, back.Trials![1].Intermediate);
        Assert.Equal(report.Trials[1].Metrics, back.Trials[1].Metrics);
        Assert.Equal(StudyJson.ToJson(report, true), StudyJson.ToJson(back, true));
    }

    [Fact]
    public void A_multi_objective_front_reads_back()
    {
        var report = ViewFixtures.Report("mo", 3);
        var objectives = new[] { new ObjectiveMetric("loss", StudyDirection.Minimize),
            new ObjectiveMetric("acc", StudyDirection.Maximize) };
        var front = report.Trials!.Take(2).Select(t => new TrialSummary(t.Number, t.Value!.Value, t.Params)
        {
            Values = t.Metrics.Where(m => m.Key is "loss" or "acc").ToImmutableDictionary(),
        }).ToList();
        report = report with
        {
            Progress = report.Progress with { Objectives = objectives, Front = front, Best = null },
        };
        var json = StudyJson.ToJson(report, includeTrials: false);
        var back = StudyDocumentReader.Read(json, null);
        Assert.Equal(2, back.Progress.Front!.Count);
        Assert.Equal(0.01, back.Progress.Front[1].Values["acc"]);
        Assert.Equal(json, StudyJson.ToJson(back, includeTrials: false));
    }

    [Fact]
    public void Something_else_than_a_study_document_is_refused_with_a_json_error()
    {
        Assert.Throws<System.Text.Json.JsonException>(() => StudyDocumentReader.Read("{\"study\": \"x\"}", null));
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => StudyDocumentReader.Read("not json", null));
    }
}
