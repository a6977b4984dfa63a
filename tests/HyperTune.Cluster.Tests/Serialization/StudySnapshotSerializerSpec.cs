using System.Collections.Immutable;
using Akka.TestKit.Xunit2;
using HyperTune.Cluster.Hosting;
using HyperTune.Cluster.Serialization;
using HyperTune.Cluster.Studies;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;

namespace HyperTune.Cluster.Tests.Serialization;

/// <summary>Study snapshots in their own format, and those written by Hyperion before it still read.</summary>
public sealed class StudySnapshotSerializerSpec() : TestKit(TestConfig.Local(StorageSpec.Memory))
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 17, 0, 0, 123, TimeSpan.FromHours(2));

    /// <summary>A snapshot with every field of every trial kind set to something a lost field would not give back.</summary>
    internal static StudySnapshot Sample()
    {
        var p = Configuration.Empty.With("lr", 0.001).With("layers", 3L).With("opt", "adam").With("nesterov", true);
        var trials = ImmutableList.Create(
            new TrialRecord(0, TrialState.Complete, p)
            {
                Value = 0.25, Metrics = ImmutableDictionary<string, double>.Empty.Add("loss", 0.25).Add("ms", double.PositiveInfinity),
                Attributes = ImmutableDictionary<string, string>.Empty.Add("evolution.generation", "2"),
                Intermediate = ImmutableList.Create(new IntermediateValue(1, 0.9), new IntermediateValue(3, double.NaN)),
                StartedAt = T0, FinishedAt = T0.AddSeconds(3),
            },
            new TrialRecord(1, TrialState.Failed, p.With("layers", 4L))
            {
                FailedAttempts = 2, FailureReason = "exit status 1\nTraceback", StartedAt = T0,
            },
            new TrialRecord(2, TrialState.Paused, p)
            {
                StopAtStep = 9, Intermediate = ImmutableList.Create(new IntermediateValue(9, -1e-300)),
                Lineage = ImmutableList.Create(new LineageEntry(4, 0, p, p.With("lr", 0.002))),
            },
            new TrialRecord(3, TrialState.Running, Configuration.Empty));
        return new StudySnapshot("s-1", "{\"name\": \"s-1\"}", T0, 40, 3, StudyStatus.Running, null, null, trials,
            ImmutableDictionary<int, string>.Empty.Add(3, "127.0.0.1:1#7"),
            ImmutableDictionary<int, int>.Empty.Add(1, 2).Add(3, 1), ImmutableDictionary<int, int>.Empty.Add(1, 1))
        {
            Enqueued = ImmutableList.Create(p.With("lr", 0.5), Configuration.Empty.With("opt", "sgd")),
            PauseReason = "held: \"quota\"",
            Refit = new StudyRefit(0, RefitStatus.Complete, 3, "127.0.0.1:2#9", T0.AddMinutes(1))
            {
                Reason = "asked for by \"ops\"", FailedAttempts = 2, FailureReason = "lost node\nagain",
                TestMetrics = ImmutableDictionary<string, double>.Empty.Add("accuracy", 0.1 + 0.2).Add("logLoss", 1e-300),
                TrainRows = 1347, TestRows = 450, ModelPath = "/data/ärtifacts/s-1/model.zip", FinishedAt = T0.AddMinutes(2),
                FailedNodes = ImmutableSortedSet.Create(StringComparer.Ordinal, "a:1#1", "b:2#2"),
            },
        };
    }

    private static string Describe(StudySnapshot s) =>
        $"{s.StudyId}|{s.SpecJson}|{s.CreatedAt:O}|{s.MaxTrials}|{s.Parallelism}|{s.Status}|{s.FinishReason}|{s.FinishedAt:O}|" +
        string.Join(";", s.RunningOn.OrderBy(p => p.Key)) + "|" + string.Join(";", s.LastDispatch.OrderBy(p => p.Key)) + "|" +
        string.Join(";", s.Requeues.OrderBy(p => p.Key)) + "|" + string.Join(";", s.Enqueued) + "|" +
        s.PauseReason + "|" + DescribeRefit(s.Refit) + "|" +
        string.Join("\n", s.Trials.Select(t =>
            $"{t.Number} {t.State} {t.Params} {t.Value:R} [{string.Join(",", t.Metrics.OrderBy(m => m.Key).Select(m => $"{m.Key}={m.Value:R}"))}] " +
            $"[{string.Join(",", t.Attributes.OrderBy(a => a.Key))}] [{string.Join(",", t.Intermediate.Select(v => $"{v.Step}:{v.Value:R}"))}] " +
            $"{t.FailedAttempts} {t.FailureReason} {t.StopAtStep} {t.StartedAt:O} {t.FinishedAt:O} " +
            $"[{string.Join(",", t.Lineage.Select(l => $"{l.Step}/{l.Donor}/{l.Before}/{l.After}"))}]"));

    private static string DescribeRefit(StudyRefit? r) => r is null ? "no refit" :
        $"{r.Trial} {r.Status} {r.Dispatch} {r.NodeKey} {r.RequestedAt:O} {r.Reason} {r.FailedAttempts} {r.FailureReason} " +
        $"[{string.Join(",", r.TestMetrics.OrderBy(m => m.Key).Select(m => $"{m.Key}={m.Value:R}"))}] {r.TrainRows} " +
        $"{r.TestRows} {r.ModelPath} {r.FinishedAt:O} [{string.Join(",", r.FailedNodes)}]";

    [Fact]
    public void A_snapshot_goes_through_its_own_serializer_and_comes_back_whole()
    {
        var snapshot = Sample();
        var serializer = Sys.Serialization.FindSerializerFor(snapshot);
        Assert.Equal(StudySnapshotSerializer.SerializerId, serializer.Identifier);
        var bytes = serializer.ToBinary(snapshot);
        var back = (StudySnapshot)Sys.Serialization.Deserialize(bytes, serializer.Identifier,
            Akka.Serialization.Serialization.ManifestFor(serializer, snapshot));
        Assert.Equal(Describe(snapshot), Describe(back));
        Assert.Equal(3L, back.Trials[0].Params["layers"]);
        Assert.Equal(0.001, back.Trials[0].Params["lr"]);
        Assert.True(double.IsNaN(back.Trials[0].Intermediate[1].Value));
        var finished = snapshot with { Status = StudyStatus.Finished, FinishReason = "trial budget reached", FinishedAt = T0.AddHours(1) };
        Assert.Equal(Describe(finished), Describe(StudySnapshotFormat.Read(StudySnapshotFormat.Write(finished))));
        // A refit waiting for its first dispatch (no node, no result), and none at all.
        var waiting = snapshot with { Refit = new StudyRefit(0, RefitStatus.Waiting, 0, null, T0) };
        Assert.Equal(Describe(waiting), Describe(StudySnapshotFormat.Read(StudySnapshotFormat.Write(waiting))));
        var none = snapshot with { Refit = null };
        Assert.Equal(Describe(none), Describe(StudySnapshotFormat.Read(StudySnapshotFormat.Write(none))));
    }

    [Fact]
    public void A_snapshot_written_by_hyperion_before_is_still_read()
    {
        var snapshot = Sample();
        var hyperion = new HyperionSerializer((Akka.Actor.ExtendedActorSystem)Sys);
        var back = (StudySnapshot)Sys.Serialization.Deserialize(hyperion.ToBinary(snapshot), hyperion.Identifier,
            Akka.Serialization.Serialization.ManifestFor(hyperion, snapshot));
        Assert.Equal(Describe(snapshot), Describe(back));
    }

    [Fact]
    public void A_damaged_snapshot_is_refused_naming_what_is_wrong()
    {
        var e = Assert.Throws<System.Runtime.Serialization.SerializationException>(
            () => StudySnapshotFormat.Read("{\"studyId\": \"s\"}"u8.ToArray()));
        Assert.Contains("status", e.Message);
        e = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => StudySnapshotFormat.Read("{"u8.ToArray()));
        Assert.Contains("not valid JSON", e.Message);
    }
}
