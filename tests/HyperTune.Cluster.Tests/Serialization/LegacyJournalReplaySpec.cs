using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using HyperTune.Cluster.Hosting;
using HyperTune.Cluster.Serialization;
using HyperTune.Cluster.Studies;
using HyperTune.Cluster.Workers;
using HyperTune.Core.Studies;
using Microsoft.Data.Sqlite;
using static HyperTune.Cluster.Studies.StudyEvents;
using static HyperTune.Cluster.Studies.StudyProtocol;
using static HyperTune.Cluster.Workers.TrialWorkerProtocol;

namespace HyperTune.Cluster.Tests.Serialization;

/// <summary>
/// A journal written before study events had their own serializer (<c>Fixtures/legacy-journal.db</c>, every row
/// Hyperion's) replays with today's bindings, and keeps replaying once new rows in the new format join it.
/// </summary>
public sealed class LegacyJournalReplaySpec : TestKit
{
    private static readonly WorkerNode Node = new("127.0.0.1:1#1", 16, 0);

    // No snapshots: every recovery below replays the whole journal.
    private static readonly StudySettings Settings = new(10_000, 3, TimeSpan.FromMilliseconds(50),
        TimeSpan.FromMilliseconds(200), TimeSpan.FromMinutes(1), DispatchTimeout: TimeSpan.FromSeconds(10),
        SuspectNodeFor: TimeSpan.FromSeconds(30));

    private static readonly string PersistenceId = StudyCoordinator.PersistenceIdOf(LegacyJournal.StudyId);

    private readonly string _file;
    private readonly TestProbe _workers;

    public LegacyJournalReplaySpec() : this(CopyOfFixture())
    {
    }

    private LegacyJournalReplaySpec(string file)
        : base(TestConfig.Local(new StorageSpec(StorageKind.Sqlite, ConnectionString(file))))
    {
        _file = file;
        _workers = CreateTestProbe("workers");
    }

    private static string ConnectionString(string file) =>
        new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString();

    private static string CopyOfFixture([CallerFilePath] string here = "")
    {
        var fixture = Path.Combine(Path.GetDirectoryName(here)!, "Fixtures", LegacyJournal.FileName);
        var copy = Path.Combine(Path.GetTempPath(), $"hypertune-legacy-{Guid.NewGuid():N}.db");
        File.Copy(fixture, copy);
        return copy;
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        try
        {
            File.Delete(_file);
            File.Delete(StorageSpec.SnapshotPathOf(_file));
        }
        catch (IOException)
        {
            // A temporary file; the OS cleans it up eventually.
        }
    }

    /// <summary>The serializer id of each journal row of the study, in order.</summary>
    private List<(long Identifier, string? Manifest)> Rows()
    {
        using var connection = new SqliteConnection(ConnectionString(_file));
        connection.Open();
        using var query = connection.CreateCommand();
        query.CommandText =
            "SELECT identifier, manifest FROM journal WHERE persistence_id = $id ORDER BY sequence_number";
        query.Parameters.AddWithValue("$id", PersistenceId);
        using var reader = query.ExecuteReader();
        var rows = new List<(long, string?)>();
        while (reader.Read()) rows.Add((reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        return rows;
    }

    private IReadOnlyList<IStudyEvent> ReadJournal()
    {
        Sys.ActorOf(JournalReader.Props(PersistenceId, TestActor));
        return ExpectMsg<JournalReader.Read>(TimeSpan.FromSeconds(30)).Events;
    }

    private IActorRef StartCoordinator()
    {
        var directory = CreateTestProbe();
        var coordinator = Sys.ActorOf(
            StudyCoordinator.Props(LegacyJournal.StudyId, Settings, _workers.Ref, directory.Ref));
        directory.ExpectMsg<WorkerDirectory.SubscribeWorkerNodes>();
        coordinator.Tell(new WorkerDirectory.WorkerNodesChanged(new[] { Node }));
        return coordinator;
    }

    private StudyReport Report(IActorRef coordinator)
    {
        var asker = CreateTestProbe();
        coordinator.Tell(new GetStudy(LegacyJournal.StudyId, IncludeTrials: true), asker.Ref);
        return asker.ExpectMsg<StudyReport>(TimeSpan.FromSeconds(30));
    }

    private void Stop(IActorRef coordinator)
    {
        Watch(coordinator);
        coordinator.Tell(PoisonPill.Instance);
        ExpectTerminated(coordinator);
    }

    /// <summary>The state the events make without any serialization in between.</summary>
    private static StudyState Fold(IEnumerable<IStudyEvent> events)
    {
        StudyState? state = null;
        foreach (var e in events) state = e is StudyCreated created ? StudyState.Create(created) : state!.Apply(e);
        return state!;
    }

    [Fact]
    public void Every_event_of_the_legacy_journal_replays_exactly()
    {
        // Hyperion writes no manifest (the SQL journal stores an empty one).
        Assert.Equal(Enumerable.Repeat((HyperionSerializer.SerializerId, ""), 23).ToList(),
            Rows().Select(r => ((int)r.Identifier, r.Manifest ?? "")).ToList());

        var replayed = ReadJournal();

        Assert.Equal(LegacyJournal.Events.Select(EventText.Describe), replayed.Select(EventText.Describe));
    }

    [Fact]
    public void The_coordinator_recovers_the_legacy_study_continues_it_in_the_new_format_and_recovers_the_mix()
    {
        var expected = Fold(LegacyJournal.Events);
        var coordinator = StartCoordinator();
        var recovered = Report(coordinator);
        Assert.Equal(EventText.Describe(expected.Trials), EventText.Describe(recovered.Trials));
        Assert.Equal(EventText.Describe(expected.Progress()), EventText.Describe(recovered.Progress));
        Assert.Equal((4, 1, 1, 1, 1), (recovered.Progress.Done, recovered.Progress.Complete, recovered.Progress.Failed,
            recovered.Progress.Pruned, recovered.Progress.Cancelled));
        Assert.Equal(0.1 + 0.2, recovered.Progress.Best!.Value);
        Assert.Equal(3L, Assert.IsType<long>(recovered.Trials![0].Params["layers"]));
        Assert.Equal(3.0, Assert.IsType<double>(recovered.Trials[0].Params["scale"]));

        // Two more trials: the budget change, the trials and their results are written by the new serializer.
        coordinator.Tell(new SubmitStudy(LegacyJournal.StudyId, LegacyJournal.Spec, new BudgetOverride(6, null)));
        Assert.False(ExpectMsg<StudySubmitted>(TimeSpan.FromSeconds(30)).Created);
        var runs = Enumerable.Range(0, 2).Select(_ => _workers.ExpectMsg<RunTrial>(TimeSpan.FromSeconds(30))).ToList();
        Assert.Equal(new[] { 4, 5 }, runs.Select(r => r.Number).OrderBy(n => n));
        var worker = CreateTestProbe();
        foreach (var (run, loss) in runs.Zip(new[] { 0.7 + 0.1, -0.0 }))
        {
            coordinator.Tell(new ReportTrialProgress(LegacyJournal.StudyId, run.Number, run.Dispatch, 1,
                new Dictionary<string, double> { ["loss"] = loss * 2 }), worker.Ref);
            coordinator.Tell(new ReportTrialResult(LegacyJournal.StudyId, run.Number, run.Dispatch,
                new Dictionary<string, double> { ["loss"] = loss, ["extra"] = double.PositiveInfinity }, null),
                worker.Ref);
            worker.FishForMessage(m => m is TrialResultRecorded r && r.Number == run.Number, TimeSpan.FromSeconds(30));
        }
        AwaitCondition(() => Report(coordinator).Progress.Status == StudyStatus.Finished, TimeSpan.FromSeconds(30));
        var before = Report(coordinator);
        Stop(coordinator);

        var rows = Rows();
        Assert.All(rows.Take(23), r => Assert.Equal(HyperionSerializer.SerializerId, (int)r.Identifier));
        Assert.True(rows.Count > 23, "the continued study wrote nothing");
        Assert.All(rows.Skip(23), r => Assert.Equal(StudyEventSerializer.SerializerId, (int)r.Identifier));
        Assert.Contains(rows, r => r.Manifest == "trial-completed.v1");

        // The mixed journal replays: event by event, and through a coordinator to the same trials.
        var mixed = ReadJournal();
        Assert.Equal(LegacyJournal.Events.Select(EventText.Describe), mixed.Take(23).Select(EventText.Describe));
        Assert.Equal(EventText.Describe(Fold(mixed).Trials), EventText.Describe(before.Trials));
        var again = Report(StartCoordinator());
        Assert.Equal(EventText.Describe(before.Trials), EventText.Describe(again.Trials));
        Assert.Equal(6, again.Trials!.Count);
        Assert.Equal(BitConverter.DoubleToInt64Bits(-0.0),
            BitConverter.DoubleToInt64Bits(again.Trials[5].Value!.Value));
        Assert.True(double.IsPositiveInfinity(again.Trials[4].Metrics["extra"]));
    }

    private void Execute(string sql, byte[]? bytes = null) => Execute(_file, sql, bytes);

    private void Execute(string file, string sql, byte[]? bytes = null)
    {
        using var connection = new SqliteConnection(ConnectionString(file));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", PersistenceId);
        if (bytes is not null) command.Parameters.AddWithValue("$bytes", bytes);
        command.ExecuteNonQuery();
    }

    private string SnapshotTableDefinition()
    {
        using var connection = new SqliteConnection(ConnectionString(_file));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'snapshot'";
        return (string)command.ExecuteScalar()!;
    }

    [Fact]
    public void A_snapshot_that_no_longer_loads_stops_recovery_and_deleting_it_brings_the_study_back_from_its_events()
    {
        // Snapshots written by Hyperion (before they had their own format) name types: this is such a snapshot as a
        // version that renamed StudySnapshot would find it.
        var expected = Fold(LegacyJournal.Events);
        var snapshot = expected.ToSnapshot();
        var text = System.Text.Encoding.Latin1.GetString(
            new HyperionSerializer((Akka.Actor.ExtendedActorSystem)Sys).ToBinary(snapshot));
        Assert.Contains(nameof(StudySnapshot), text);
        var renamed = System.Text.Encoding.Latin1.GetBytes(text.Replace(nameof(StudySnapshot), "StudySnapshoX"));
        // Snapshots live in their own file beside the journal (StorageSpec.SnapshotConnectionString); the snapshot
        // store would create its table on first use, so the test creates it as the fixture's journal file has it.
        var snapshots = StorageSpec.SnapshotPathOf(_file);
        Execute(snapshots, SnapshotTableDefinition());
        Execute(snapshots, "INSERT INTO snapshot (persistence_id, sequence_number, created, snapshot, manifest, " +
                $"serializer_id) VALUES ($id, 23, 0, $bytes, '', {HyperionSerializer.SerializerId})", renamed);

        // Akka fails the recovery and stops the coordinator: the study is unavailable, its journal untouched.
        var failed = StartCoordinator();
        Watch(failed);
        ExpectTerminated(failed, TimeSpan.FromSeconds(30));
        Assert.Equal(23, Rows().Count);

        Execute(snapshots, "DELETE FROM snapshot WHERE persistence_id = $id");
        var report = Report(StartCoordinator());
        Assert.Equal(EventText.Describe(expected.Trials), EventText.Describe(report.Trials));
    }

    [Fact]
    public void A_row_under_a_manifest_this_version_does_not_know_fails_recovery_and_leaves_the_journal_alone()
    {
        Execute("INSERT INTO journal (created, deleted, persistence_id, sequence_number, message, manifest, " +
                "identifier, writer_uuid) VALUES (0, 0, $id, 24, $bytes, 'trial-teleported.v1', " +
                $"{StudyEventSerializer.SerializerId}, " +
                "'newer-version')", System.Text.Encoding.UTF8.GetBytes("""{"number":0}"""));

        var coordinator = StartCoordinator();
        Watch(coordinator);
        ExpectTerminated(coordinator, TimeSpan.FromSeconds(30));

        Assert.Equal(24, Rows().Count);
        Assert.Equal("trial-teleported.v1", Rows()[23].Manifest);
    }
}
