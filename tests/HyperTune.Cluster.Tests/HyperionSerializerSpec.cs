using System.Collections.Immutable;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using HyperTune.Cluster.Hosting;
using HyperTune.Cluster.Serialization;
using HyperTune.Cluster.Studies;
using HyperTune.Cluster.Workers;
using HyperTune.Core.Spaces;
using HyperTune.Core.Studies;
using static HyperTune.Cluster.Studies.StudyEvents;

namespace HyperTune.Cluster.Tests;

public sealed class HyperionSerializerSpec() : TestKit(TestConfig.Local(StorageSpec.Memory))
{
    private static readonly Configuration Params = Configuration.From(new Dictionary<string, object>
    {
        ["lr"] = 0.001, ["depth"] = 7L, ["opt"] = "adam", ["bn"] = true,
    });

    public static IEnumerable<object[]> Events()
    {
        var at = new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
        yield return new object[] { new StudyCreated("s1", "{\"name\":\"s1\"}", at) };
        yield return new object[] { new StudyBudgetChanged(100, 8, at) };
        yield return new object[] { new TrialStarted(3, Params, ImmutableDictionary<string, string>.Empty.Add("grid.index", "4"), at) };
        yield return new object[] { new TrialDispatched(3, 2, "127.0.0.1:4053#12345", at) };
        yield return new object[] { new TrialReported(3, 10, 0.25) };
        yield return new object[] { new TrialCompleted(3, 0.125, ImmutableDictionary<string, double>.Empty.Add("loss", 0.125).Add("acc", 0.9), at) };
        yield return new object[] { new TrialFailed(3, "process exited with code 1", false, at) };
        yield return new object[] { new TrialRequeued(3, "node lost", at) };
        yield return new object[] { new TrialPruned(3, 5, 0.5, at) };
        yield return new object[] { new StudyFinished("trial budget reached", at) };
        yield return new object[] { new TrialCancelled(3, "study stopped: enough", at) };
        yield return new object[] { new TrialExecutionStarted(3, 2, at) };
        yield return new object[] { new TrialStopAtStepSet(3, 9) };
        yield return new object[] { new TrialPaused(3, 9, at) };
        yield return new object[] { new TrialResumed(3, 27, at) };
        yield return new object[] { new TrialResumed(3, null, at) };
        yield return new object[] { new HyperTune.Cluster.Registry.StudyRegistryProtocol.StudyReserved("s1-2", "s1", "request-1", at) };
        yield return new object[] { new HyperTune.Cluster.Registry.StudyRegistryProtocol.StudyReservationReleased("s1-2", at) };
    }

    [Theory]
    [MemberData(nameof(Events))]
    public void Every_persisted_event_round_trips_through_its_bound_serializer(object e)
    {
        // Persisted events are written under stable manifests, not Hyperion's CLR type names.
        var serializer = Sys.Serialization.FindSerializerFor(e);
        Assert.IsType(e is IStudyEvent ? typeof(StudyEventSerializer) : typeof(RegistryEventSerializer), serializer);
        var back = Sys.Serialization.Deserialize(serializer.ToBinary(e), serializer.Identifier,
            Akka.Serialization.Serialization.ManifestFor(serializer, e));
        Assert.Equal(e.GetType(), back.GetType());
        // Records compare by value, but collections inside compare by reference: compare their printed forms.
        Assert.Equal(Describe(e), Describe(back));
    }

    private static string Describe(object o) => o switch
    {
        TrialStarted s => $"{s.Number} {s.Params} {string.Join(",", s.Attributes)} {s.At}",
        TrialCompleted c => $"{c.Number} {c.Value} {string.Join(",", c.Metrics.OrderBy(m => m.Key))} {c.At}",
        _ => o.ToString()!,
    };

    [Fact]
    public void A_snapshot_with_trials_round_trips()
    {
        var paused = new TrialRecord(1, TrialState.Paused, Params)
        {
            Intermediate = ImmutableList.Create(new IntermediateValue(3, 2.0)),
            StopAtStep = 3,
        };
        var trial = new TrialRecord(0, TrialState.Complete, Params)
        {
            Value = 1.5,
            Intermediate = ImmutableList.Create(new IntermediateValue(1, 3.0), new IntermediateValue(2, 1.5)),
            Metrics = ImmutableDictionary<string, double>.Empty.Add("loss", 1.5),
        };
        var snapshot = new StudySnapshot("s1", "{}", DateTimeOffset.UnixEpoch, 10, 2, StudyStatus.Running, null, null,
            ImmutableList.Create(trial, paused), ImmutableDictionary<int, string>.Empty.Add(1, "n"), ImmutableDictionary<int, int>.Empty.Add(1, 1),
            ImmutableDictionary<int, int>.Empty);
        // Snapshots now have their own format; Hyperion must still read those written before.
        var serializer = new HyperionSerializer((Akka.Actor.ExtendedActorSystem)Sys);
        var back = (StudySnapshot)serializer.FromBinary(serializer.ToBinary(snapshot), typeof(StudySnapshot));
        Assert.Equal((TrialState.Paused, 3L, 3L), (back.Trials[1].State, back.Trials[1].StopAtStep!.Value, back.Trials[1].PausedAtStep!.Value));
        var t = back.Trials[0];
        Assert.Equal(trial.Params, t.Params);
        Assert.Equal(trial.Intermediate, t.Intermediate);
        Assert.Equal(1.5, t.Value);
        Assert.Equal("n", back.RunningOn[1]);
    }

    [Fact]
    public void A_run_trial_message_round_trips_with_its_run_spec()
    {
        var run = new TrialWorkerProtocol.RunTrial("n:1#1|s1|3|2", "s1", "20261122-080000-000", 3, 2,
            new Core.Specs.TrialRunSpec("{\"type\":\"process\",\"command\":\"train\"}", "loss", TimeSpan.FromMinutes(5)), Params)
        {
            ResumeStep = 9,
            StopAtStep = 27,
        };
        var serializer = Sys.Serialization.FindSerializerFor(run);
        Assert.IsType<HyperionSerializer>(serializer);
        var back = (TrialWorkerProtocol.RunTrial)serializer.FromBinary(serializer.ToBinary(run), typeof(TrialWorkerProtocol.RunTrial));
        Assert.Equal(run.RunSpec, back.RunSpec);
        Assert.Equal(run.Params, back.Params);
        Assert.Equal((9L, (long?)27), (back.ResumeStep, back.StopAtStep));
        Assert.Equal((run.WorkerId, run.StudyId, run.Incarnation, run.Number, run.Dispatch),
            (back.WorkerId, back.StudyId, back.Incarnation, back.Number, back.Dispatch));
        Assert.Equal("process", back.RunSpec.Trainable().Type);
    }

    [Fact]
    public void An_actor_ref_inside_a_message_resolves_back_to_the_same_actor()
    {
        var probe = CreateTestProbe();
        var message = new TrialWorkerProtocol.TrialAccepted("s1", 1, 1, probe.Ref);
        var serializer = Sys.Serialization.FindSerializerFor(message);
        var back = (TrialWorkerProtocol.TrialAccepted)serializer.FromBinary(serializer.ToBinary(message), typeof(TrialWorkerProtocol.TrialAccepted));
        back.Worker.Tell("ping");
        probe.ExpectMsg("ping");
        // A start report that stands for the acceptance carries its worker too.
        var started = new TrialWorkerProtocol.ReportTrialStarted("s1", 1, 1, DateTimeOffset.UnixEpoch)
        {
            Worker = probe.Ref,
        };
        var startedBack = (TrialWorkerProtocol.ReportTrialStarted)serializer.FromBinary(serializer.ToBinary(started),
            typeof(TrialWorkerProtocol.ReportTrialStarted));
        startedBack.Worker!.Tell("pong");
        probe.ExpectMsg("pong");
    }

    [Fact]
    public void A_result_keeps_the_start_it_carries()
    {
        var at = new DateTimeOffset(2026, 12, 8, 0, 0, 0, TimeSpan.Zero);
        var result = new TrialWorkerProtocol.ReportTrialResult("s1", 1, 1,
            new Dictionary<string, double> { ["loss"] = 1 }, null)
        {
            StartedAt = at,
            FinishedAt = at.AddMilliseconds(1),
        };
        var serializer = Sys.Serialization.FindSerializerFor(result);
        var back = (TrialWorkerProtocol.ReportTrialResult)serializer.FromBinary(serializer.ToBinary(result),
            typeof(TrialWorkerProtocol.ReportTrialResult));
        Assert.Equal((at, at.AddMilliseconds(1)), (back.StartedAt, back.FinishedAt));
    }

    [Fact]
    public void A_registry_snapshot_round_trips()
    {
        var snapshot = new HyperTune.Cluster.Registry.StudyRegistrySnapshot(
            ImmutableList.Create(new HyperTune.Cluster.Registry.StudyRegistryProtocol.StudyEntry("a", "a", DateTimeOffset.UnixEpoch)),
            ImmutableDictionary<string, string>.Empty.Add("r1", "a"));
        var serializer = Sys.Serialization.FindSerializerFor(snapshot);
        var back = (HyperTune.Cluster.Registry.StudyRegistrySnapshot)serializer.FromBinary(serializer.ToBinary(snapshot), snapshot.GetType());
        Assert.Equal(snapshot.Studies, back.Studies);
        Assert.Equal("a", back.RequestIds["r1"]);
    }

    [Fact]
    public void Unsafe_types_are_refused_on_deserialization()
    {
        // A payload written by an unrestricted Hyperion (as an attacker could) naming a file-system type.
        using var stream = new MemoryStream();
        new Hyperion.Serializer().Serialize(new DirectoryInfo(Path.GetTempPath()), stream);
        var serializer = (HyperionSerializer)Sys.Serialization.FindSerializerFor("x");
        var e = Assert.ThrowsAny<Exception>(() => serializer.FromBinary(stream.ToArray(), typeof(object)));
        Assert.Contains("Unsafe Type Deserialization", e.Message);
    }
}
