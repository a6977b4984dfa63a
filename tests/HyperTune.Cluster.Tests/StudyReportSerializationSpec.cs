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
}
