using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Microsoft.Data.Sqlite;
using HyperTune.Cluster.Registry;
using HyperTune.Cluster.Serialization;
using static HyperTune.Cluster.Registry.StudyRegistryProtocol;

namespace HyperTune.Cluster.Tests.Serialization;

/// <summary>The study registry's persisted events under stable manifests, as its journal writes and reads them.</summary>
public sealed class RegistryEventSerializerSpec : TestKit
{
    private static readonly DateTimeOffset At = new(2026, 12, 6, 7, 45, 1, 123, TimeSpan.FromHours(5.5));

    private readonly SqliteMemoryDatabase _db;

    public RegistryEventSerializerSpec() : this(new SqliteMemoryDatabase())
    {
    }

    private RegistryEventSerializerSpec(SqliteMemoryDatabase db) : base(TestConfig.Local(db.Storage)) => _db = db;

    protected override void AfterAll()
    {
        base.AfterAll();
        _db.Dispose();
    }

    public static IEnumerable<object[]> Events()
    {
        yield return new object[] { new StudyRegistered("s1", "s1", At) };
        yield return new object[] { new StudyReserved("s1-2", "s1", "request \"1\"", At) };
        yield return new object[] { new StudyReserved("s1-3", "s1", null, At) };
        yield return new object[] { new StudyReservationReleased("s1-2", At) };
        yield return new object[] { new StudyForgotten("s1-3", At) };
    }

    [Fact]
    public void Every_concrete_registry_event_type_has_a_manifest()
    {
        var types = typeof(StudyRegistry).Assembly.GetTypes()
            .Where(t => typeof(IRegistryEvent).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .ToList();
        Assert.NotEmpty(types);
        var missing = types.Where(t => RegistryEventFormats.Current.All.All(f => f.EventType != t))
            .Select(t => t.Name).ToList();
        Assert.True(missing.Count == 0, $"registry events without a manifest: {string.Join(", ", missing)}");
    }

    [Theory]
    [MemberData(nameof(Events))]
    public void Every_registry_event_round_trips_under_its_manifest_without_a_clr_type_name(object e)
    {
        var serializer = Sys.Serialization.FindSerializerFor(e);
        Assert.IsType<RegistryEventSerializer>(serializer);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, e);
        Assert.Matches(@"^study-[a-z-]+\.v1$", manifest);
        var bytes = serializer.ToBinary(e);
        Assert.DoesNotContain("HyperTune", Encoding.UTF8.GetString(bytes));
        var back = Sys.Serialization.Deserialize(bytes, serializer.Identifier, manifest);
        Assert.Equal(e, back);
    }

    [Fact]
    public void An_unknown_manifest_is_refused_with_its_name()
    {
        var serializer = (RegistryEventSerializer)Sys.Serialization.FindSerializerForType(typeof(StudyRegistered));
        var e = Assert.Throws<SerializationException>(() => serializer.FromBinary("{}"u8.ToArray(), "study-moved.v1"));
        Assert.Contains("study-moved.v1", e.Message);
        Assert.Contains("registry event", e.Message);
    }

    [Fact]
    public async Task A_registry_journal_written_by_hyperion_before_the_manifests_still_replays_and_grows_with_them()
    {
        // The previous version: registry events bound to Hyperion, which wrote CLR type names into the rows.
        var previous = ActorSystem.Create("previous", ConfigurationFactory.ParseString(
                "akka.actor.serialization-bindings { " +
                "\"HyperTune.Cluster.Registry.StudyRegistryProtocol+IRegistryEvent, HyperTune.Cluster\" = hyperion }")
            .WithFallback(TestConfig.Local(_db.Storage)));
        var old = previous.ActorOf(StudyRegistry.Props());
        var first = await old.Ask<ReservedStudy>(new ReserveStudy("quad", false, null, "r1"), TimeSpan.FromSeconds(10));
        var second = await old.Ask<ReservedStudy>(new ReserveStudy("quad", true, null, "r2"), TimeSpan.FromSeconds(10));
        await previous.Terminate();

        var registry = Sys.ActorOf(StudyRegistry.Props());
        var again = await registry.Ask<ReservedStudy>(new ReserveStudy("quad", true, null, "r2"), TimeSpan.FromSeconds(10));
        Assert.True(again.Repeated);
        Assert.Equal(second.Study.StudyId, again.Study.StudyId);
        var third = await registry.Ask<ReservedStudy>(new ReserveStudy("quad", true, null, "r3"), TimeSpan.FromSeconds(10));
        var list = await registry.Ask<StudyList>(new ListStudies(), TimeSpan.FromSeconds(10));
        Assert.Equal(new[] { first.Study.StudyId, second.Study.StudyId, third.Study.StudyId }.Order(),
            list.Studies.Select(s => s.StudyId).Order());

        // Old rows keep Hyperion's id; the new one is written under its manifest.
        var ids = JournalIdentifiers();
        Assert.Equal(new[] { HyperionSerializer.SerializerId, HyperionSerializer.SerializerId,
            RegistryEventSerializer.SerializerId }, ids);
    }

    private List<int> JournalIdentifiers()
    {
        using var connection = new SqliteConnection(_db.ConnectionString);
        connection.Open();
        using var query = connection.CreateCommand();
        query.CommandText = "SELECT identifier FROM journal WHERE persistence_id = 'study-registry' ORDER BY sequence_number";
        using var reader = query.ExecuteReader();
        var ids = new List<int>();
        while (reader.Read()) ids.Add(reader.GetInt32(0));
        return ids;
    }
}
