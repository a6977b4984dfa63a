using System.Collections.Immutable;
using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using HyperTune.Cluster.Serialization;
using HyperTune.Cluster.Studies;
using HyperTune.Core.Spaces;
using static HyperTune.Cluster.Studies.StudyEvents;

namespace HyperTune.Cluster.Tests.Serialization;

/// <summary>Study events through Akka's serialization, as the journal writes and reads them.</summary>
public sealed class StudyEventSerializerSpec : TestKit
{
    private sealed record RenamedTrialReport(int Trial, long AtStep, double Loss) : IStudyEvent;

    private readonly SqliteMemoryDatabase _db;

    public StudyEventSerializerSpec() : this(new SqliteMemoryDatabase())
    {
    }

    private StudyEventSerializerSpec(SqliteMemoryDatabase db) : base(TestConfig.Local(db.Storage)) => _db = db;

    protected override void AfterAll()
    {
        base.AfterAll();
        _db.Dispose();
    }

    private (byte[] Bytes, int Id, string Manifest) Write(object e)
    {
        var serializer = Sys.Serialization.FindSerializerFor(e);
        return (serializer.ToBinary(e), serializer.Identifier,
            Akka.Serialization.Serialization.ManifestFor(serializer, e));
    }

    private object RoundTrip(object e)
    {
        var (bytes, id, manifest) = Write(e);
        return Sys.Serialization.Deserialize(bytes, id, manifest);
    }

    public static IEnumerable<object[]> LegacyEvents() => LegacyJournal.Events.Select(e => new object[] { e });

    public static IEnumerable<object[]> EventTypes() => EventSamples.EventTypes.Select(t => new object[] { t.Name });

    [Fact]
    public void Every_concrete_study_event_type_has_a_manifest_and_every_manifest_a_writer_or_reader()
    {
        var formats = StudyEventFormats.Current;
        var missing = EventSamples.EventTypes.Where(t => formats.All.All(f => f.EventType != t))
            .Select(t => t.Name).ToList();
        Assert.True(missing.Count == 0,
            $"study events without a manifest in {nameof(StudyEventFormats)}: {string.Join(", ", missing)}");
        Assert.Equal(EventSamples.EventTypes.Count, formats.All.Count(f => f.Write is not null));
    }

    [Theory]
    [MemberData(nameof(EventTypes))]
    public void Every_constructor_parameter_of_every_event_round_trips(string typeName)
    {
        var type = EventSamples.EventTypes.Single(t => t.Name == typeName);
        foreach (var nulls in new[] { false, true })
        {
            var e = EventSamples.Create(type, nulls);
            Assert.IsType<StudyEventSerializer>(Sys.Serialization.FindSerializerFor(e));
            var back = RoundTrip(e);
            Assert.Equal(EventText.Describe(e), EventText.Describe(back));
        }
    }

    [Theory]
    [MemberData(nameof(LegacyEvents))]
    public void The_fixture_events_with_awkward_values_round_trip_exactly(IStudyEvent e)
    {
        var back = RoundTrip(e);
        Assert.Equal(e.GetType(), back.GetType());
        Assert.Equal(EventText.Describe(e), EventText.Describe(back));
    }

    [Fact]
    public void Parameter_values_keep_their_kind()
    {
        var started = new TrialStarted(1, Configuration.From(new Dictionary<string, object>
        {
            ["a"] = 3L, ["b"] = 3.0, ["c"] = "3", ["d"] = true, ["e"] = 0.1 + 0.2, ["f"] = long.MinValue,
        }), ImmutableDictionary<string, string>.Empty, DateTimeOffset.UnixEpoch);

        var back = (TrialStarted)RoundTrip(started);

        Assert.IsType<long>(back.Params["a"]);
        Assert.IsType<double>(back.Params["b"]);
        Assert.Equal("3", Assert.IsType<string>(back.Params["c"]));
        Assert.True(Assert.IsType<bool>(back.Params["d"]));
        Assert.Equal(BitConverter.DoubleToInt64Bits(0.1 + 0.2),
            BitConverter.DoubleToInt64Bits((double)back.Params["e"]));
        Assert.Equal(long.MinValue, Assert.IsType<long>(back.Params["f"]));
        var json = Encoding.UTF8.GetString(Write(started).Bytes);
        Assert.Contains("\"a\":{\"long\":3}", json);
        Assert.Contains("\"b\":{\"double\":3}", json);
    }

    [Fact]
    public void Doubles_round_trip_bit_for_bit()
    {
        var random = new Random(12);
        var values = new List<double> { 0.1 + 0.2, -0.0, 0.0, double.Epsilon, -double.Epsilon, double.MaxValue,
            double.MinValue, 1e-310, double.PositiveInfinity, double.NegativeInfinity, 1.0 / 3, Math.PI };
        while (values.Count < 5_000)
        {
            var d = BitConverter.Int64BitsToDouble(random.NextInt64(long.MinValue, long.MaxValue));
            if (!double.IsNaN(d)) values.Add(d);
        }
        foreach (var d in values)
        {
            var back = (TrialReported)RoundTrip(new TrialReported(1, 2, d));
            Assert.Equal(BitConverter.DoubleToInt64Bits(d), BitConverter.DoubleToInt64Bits(back.Value));
        }
        Assert.True(double.IsNaN(((TrialReported)RoundTrip(new TrialReported(1, 2, double.NaN))).Value));
    }

    [Fact]
    public void Times_keep_their_offset_and_every_tick()
    {
        var at = new DateTimeOffset(2026, 1, 2, 3, 4, 5, new TimeSpan(-9, -30, 0)).AddTicks(9_999_999);
        var back = (StudyFinished)RoundTrip(new StudyFinished("done", at));
        Assert.Equal(at.Offset, back.At.Offset);
        Assert.Equal(at.Ticks, back.At.Ticks);
    }

    [Fact]
    public void The_manifest_not_the_type_name_selects_the_type_so_renaming_an_event_is_safe()
    {
        var (bytes, id, manifest) = Write(new TrialReported(4, 9, 0.1 + 0.2));
        Assert.Equal(StudyEventSerializer.SerializerId, id);
        Assert.Equal("trial-reported.v1", manifest);
        // Nothing of the CLR type is stored: neither its name nor its namespace.
        var payload = Encoding.UTF8.GetString(bytes);
        Assert.DoesNotContain(nameof(TrialReported), payload);
        Assert.DoesNotContain("HyperTune", payload);

        // A later version that renamed and moved the event (and its properties) reads the row unchanged.
        var renamed = new EventFormats<IStudyEvent>().Add<RenamedTrialReport>("trial-reported.v1",
            (w, e) => w.Int("number", e.Trial).Long("step", e.AtStep).Double("value", e.Loss),
            r => new RenamedTrialReport(r.Int("number"), r.Long("step"), r.Double("value")));
        var back = new StudyEventSerializer((ExtendedActorSystem)Sys, renamed).FromBinary(bytes, manifest);

        Assert.Equal(new RenamedTrialReport(4, 9, 0.1 + 0.2), back);
    }

    [Fact]
    public void An_older_manifest_version_stays_readable_beside_the_current_one()
    {
        var formats = new EventFormats<IStudyEvent>()
            .Add<StudyFinished>("study-finished.v2", (w, e) => w.String("why", e.Reason).Time("at", e.At),
                r => new StudyFinished(r.String("why"), r.Time("at")))
            .Reads<StudyFinished>("study-finished.v1", r => new StudyFinished(r.String("reason"), r.Time("at")));
        var serializer = new StudyEventSerializer((ExtendedActorSystem)Sys, formats);
        var (v1Bytes, _, v1Manifest) = Write(new StudyFinished("budget", DateTimeOffset.UnixEpoch));

        Assert.Equal("study-finished.v1", v1Manifest);
        Assert.Equal(new StudyFinished("budget", DateTimeOffset.UnixEpoch), serializer.FromBinary(v1Bytes, v1Manifest));
        Assert.Equal("study-finished.v2", serializer.Manifest(new StudyFinished("x", DateTimeOffset.UnixEpoch)));
    }

    [Fact]
    public void An_unknown_manifest_is_refused_with_its_name()
    {
        var (bytes, id, _) = Write(new TrialReported(1, 1, 1.0));
        var e = Assert.Throws<SerializationException>(
            () => Sys.Serialization.Deserialize(bytes, id, "trial-teleported.v1"));
        Assert.Contains("unknown study event manifest 'trial-teleported.v1'", e.Message);
    }

    [Fact]
    public void A_row_missing_a_field_or_holding_the_wrong_kind_names_the_manifest_and_the_field()
    {
        var serializer = (StudyEventSerializer)Sys.Serialization.FindSerializerFor(new TrialReported(1, 1, 1.0));
        var missing = Assert.Throws<SerializationException>(() =>
            serializer.FromBinary(Encoding.UTF8.GetBytes("""{"number":1,"value":2.5}"""), "trial-reported.v1"));
        Assert.Contains("'trial-reported.v1' lacks the field 'step'", missing.Message);
        var wrongKind = Assert.Throws<SerializationException>(() => serializer.FromBinary(
            Encoding.UTF8.GetBytes(
                """{"number":1,"params":{"x":{"float":1}},"attributes":{},"at":"2026-01-01T00:00:00+00:00"}"""),
            "trial-started.v1"));
        Assert.Contains("'params.x'", wrongKind.Message);
    }

    [Fact]
    public void A_type_without_a_manifest_cannot_be_written()
    {
        var serializer = new StudyEventSerializer((ExtendedActorSystem)Sys, new EventFormats<IStudyEvent>());
        var e = Assert.Throws<ArgumentException>(
            () => serializer.ToBinary(new StudyFinished("x", DateTimeOffset.UnixEpoch)));
        Assert.Contains("StudyFinished has no manifest", e.Message);
    }

    [Fact]
    public void Snapshots_get_their_own_serializer_and_other_messages_stay_with_hyperion()
    {
        var snapshot = new StudySnapshot("s", "{}", DateTimeOffset.UnixEpoch, 1, 1, StudyStatus.Running, null, null,
            ImmutableList<Core.Studies.TrialRecord>.Empty, ImmutableDictionary<int, string>.Empty,
            ImmutableDictionary<int, int>.Empty, ImmutableDictionary<int, int>.Empty);
        Assert.IsType<StudySnapshotSerializer>(Sys.Serialization.FindSerializerFor(snapshot));
        Assert.IsType<HyperionSerializer>(Sys.Serialization.FindSerializerFor(new StudyProtocol.StopStudy("s", "r")));
    }
}
