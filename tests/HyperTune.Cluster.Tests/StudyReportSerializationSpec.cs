using Akka.TestKit.Xunit2;
using HyperTune.Cluster.Hosting;
using HyperTune.Cluster.Studies;
using HyperTune.Core.Schedulers;
using HyperTune.Core.Studies;

namespace HyperTune.Cluster.Tests;

/// <summary>
/// A study report crosses nodes (coordinator to the API's node): its rungs must survive the serializer.
/// </summary>
public sealed class StudyReportSerializationSpec() : TestKit(TestConfig.Local(StorageSpec.Memory))
{
    [Fact]
    public void A_study_report_keeps_its_rungs_through_the_wire()
    {
        var progress = new StudyProgress("s", "s", StudyStatus.Running, null, StudyDirection.Minimize, "loss", 9, 3,
            1, 0, 2, 1, 0, null, DateTimeOffset.UnixEpoch, null) { Paused = 2, Steps = 12 };
        var report = new StudyProtocol.StudyReport(progress, null)
        {
            Rungs = new List<RungSummary> { new(0, 0, 1, 9, 3, 0.5), new(0, 1, 3, 3, 1, null) },
        };
        var serializer = Sys.Serialization.FindSerializerFor(report);
        var back = (StudyProtocol.StudyReport)Sys.Serialization.Deserialize(serializer.ToBinary(report),
            serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, report));
        Assert.Equal(report.Rungs, back.Rungs);
        Assert.Equal((2, 12L), (back.Progress.Paused, back.Progress.Steps));
    }

    [Fact]
    public void A_multi_objective_report_keeps_its_objectives_front_constraints_and_generations_through_the_wire()
    {
        var spec = Core.Specs.StudySpecParser.Parse(StudyDeciderTests.Spec().Replace(
            "\"objective\": { \"metric\": \"loss\", \"direction\": \"minimize\" }",
            "\"objective\": { \"metrics\": [ { \"name\": \"loss\", \"direction\": \"minimize\" }, " +
            "{ \"name\": \"acc\", \"direction\": \"maximize\" } ] }, \"constraints\": [ { \"metric\": \"mb\", \"max\": 5 } ]"));
        Assert.True(spec.Objective.IsMultiObjective);
        var member = new TrialSummary(3, 0.5, Core.Spaces.Configuration.Empty.With("x", 1.5))
        {
            Values = System.Collections.Immutable.ImmutableDictionary<string, double>.Empty.Add("loss", 0.5).Add("acc", 0.9),
        };
        var progress = new StudyProgress("s", "s", StudyStatus.Running, null, StudyDirection.Minimize, "loss", 9, 3,
            1, 0, 0, 0, 0, member, DateTimeOffset.UnixEpoch, null)
        {
            Objectives = spec.Objective.Metrics, Constraints = spec.Objective.Constraints, Front = new[] { member },
        };
        var report = new StudyProtocol.StudyReport(progress, null)
        {
            Generations = new[] { new Core.Optimizers.Evolution.GenerationSummary(0, 4, 3, 0.5, 0.7) },
        };
        var serializer = Sys.Serialization.FindSerializerFor(report);
        var back = (StudyProtocol.StudyReport)Sys.Serialization.Deserialize(serializer.ToBinary(report),
            serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, report));
        Assert.Equal(spec.Objective.Metrics, back.Progress.Objectives);
        Assert.Equal(spec.Objective.Constraints, back.Progress.Constraints);
        Assert.Equal(0.9, back.Progress.Front!.Single().Values["acc"]);
        Assert.Equal(1.5, back.Progress.Front!.Single().Params.GetDouble("x"));
        Assert.Equal(report.Generations, back.Generations);
    }
}
